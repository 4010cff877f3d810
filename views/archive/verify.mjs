#!/usr/bin/env node
// Checks a Chorus ticket export on its own: run `node verify.mjs` in the unpacked folder
// (Node 18 or newer, nothing to install). Exit code 0: the chain is whole and every included
// message, event, raw item and attachment is what the chain names; 1: something differs (listed).
// The arithmetic is explained in VERIFY.md; this file is meant to be read.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '.';
const GENESIS = '0'.repeat(64);
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

// JSON with object keys sorted at every depth, no whitespace; absent (undefined) keys left out.
function canonicalJson(v) {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object') return `{${Object.keys(v).filter((k) => v[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}
const linkHash = (l) => sha256(JSON.stringify([l.prevHash, l.ticketId, l.seq, l.subjectType, l.subjectId, l.action, l.digest, l.createdAt]));
const ms = (isoTime) => Date.parse(isoTime);

// What the chain hashes of a message: what it said and who said it (see VERIFY.md).
function messageContent(m, rawSha) {
  return {
    type: 'message', id: m.id, authorType: m.authorType, authorAgentId: m.authorAgentId ?? null, authorName: m.authorName ?? null,
    channel: m.channel, direction: m.direction, audience: m.audience, text: m.text, fullText: m.fullText ?? null, html: m.html ?? null,
    inboundItemId: m.inboundItemId ?? null, raw: rawSha, createdAt: ms(m.createdAt),
    attachments: [...m.attachments].sort((a, b) => a.id - b.id).map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256 })),
  };
}
const eventContent = (e) => ({ type: 'event', id: e.id, ticketId: e.ticketId, event: e.type, actorType: e.actorType, actorId: e.actorId ?? null, data: e.data ?? null, cause: e.cause ?? null, createdAt: ms(e.createdAt) });

const problems = [];
const read = (name) => readFileSync(join(dir, name));
const ticket = JSON.parse(read('ticket.json').toString('utf8'));
const chain = JSON.parse(read('chain.json').toString('utf8'));

// 1. The chain: numbered from 1, each link names the hash of the one before, each hash is its own.
let prev = GENESIS;
for (const [i, l] of chain.links.entries()) {
  const at = `link ${l.seq} (${l.subjectType} ${l.subjectId})`;
  if (l.seq !== i + 1) problems.push(`${at}: expected link number ${i + 1}`);
  if (l.prevHash !== prev) problems.push(`${at}: does not name the hash of the link before it`);
  if (linkHash({ ...l, ticketId: chain.ticketId }) !== l.hash) problems.push(`${at}: its hash does not match its fields`);
  if (l.canonical !== null) {
    if (canonicalJson(JSON.parse(l.canonical)) !== l.canonical) problems.push(`${at}: its content is not in canonical form`);
    if (sha256(Buffer.from(l.canonical, 'utf8')) !== l.digest) problems.push(`${at}: its content does not have the digest the link names`);
  }
  prev = l.hash;
}
if (chain.head !== prev) problems.push(`chain head ${chain.head} is not the hash of the last link`);

// 2. The rows of ticket.json, their raw items and files: each must rebuild the content its newest link names.
const newest = new Map();
for (const l of chain.links) newest.set(`${l.subjectType} ${l.subjectId}`, l);
const check = (key, content) => {
  const l = newest.get(key);
  if (!l) return problems.push(`${key}: is in no link of the chain`);
  if (l.canonical === null) return problems.push(`${key}: its link carries no content (${l.note ?? 'missing'})`);
  if (canonicalJson(content) !== l.canonical) problems.push(`${key}: differs from the content sealed in link ${l.seq}`);
};
for (const m of ticket.messages) {
  let rawSha = null;
  if (m.inboundItemId !== null) {
    if (m.receivedFile && existsSync(join(dir, m.receivedFile))) rawSha = sha256(read(m.receivedFile));
    else problems.push(`message ${m.id}: its raw item ${m.receivedFile ?? ''} is not in the export`);
  }
  for (const a of m.attachments) {
    if (!a.file || !existsSync(join(dir, a.file))) problems.push(`message ${m.id}: attachment ${a.id} is not in the export`);
    else if (sha256(read(a.file)) !== a.sha256) problems.push(`message ${m.id}: the bytes of ${a.file} do not have the SHA-256 ${a.sha256}`);
  }
  check(`message ${m.id}`, messageContent(m, rawSha));
}
for (const e of ticket.events) check(`event ${e.id}`, eventContent(e));

if (problems.length) {
  console.log(`Ticket #${chain.ticketId}: ${problems.length} problem(s):`);
  for (const p of problems) console.log(`  - ${p}`);
  process.exit(1);
}
console.log(`Ticket #${chain.ticketId}: ${chain.links.length} link(s) intact; ${ticket.messages.length} message(s), ${ticket.events.length} event(s) and their files match the chain. Head: ${prev}`);
