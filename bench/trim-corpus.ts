// The reply trimmer alone over every mail of the shared corpus, plus the SMTP bench's 3 KB body.
// Run: npx ts-node --transpile-only bench/trim-corpus.ts [rounds]
// TRIM_DUMP=file writes the trimmed text of every mail (one JSON line each), for diffing two builds.
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { htmlToText, sanitize } from '../src/content/sanitize';
import { trimReply } from '../src/channels/email/trim/trim-reply';

// The shared corpus beside the checkout (run from the checkout's root).
const CORPUS_ROOT = path.resolve(process.env.CORPUS_ROOT ?? '../shared/corpus');

async function corpusMails(): Promise<{ name: string; text: string }[]> {
  const mails: { name: string; text: string }[] = [];
  const trimming = path.join(CORPUS_ROOT, 'email/reply-trimming');
  for (const dir of ['emails', 'embedded']) {
    for (const n of fs.readdirSync(path.join(trimming, dir)).sort()) mails.push({ name: `${dir}/${n}`, text: fs.readFileSync(path.join(trimming, dir, n), 'utf8') });
  }
  const eml = path.join(CORPUS_ROOT, 'email/chatwoot-eml');
  for (const n of fs.readdirSync(eml).sort()) {
    const p = await simpleParser(fs.readFileSync(path.join(eml, n)));
    const html = p.html ? sanitize(p.html) : null;
    mails.push({ name: `chatwoot-eml/${n}`, text: (p.text && p.text.trim()) || (html ? htmlToText(html) : '') });
  }
  return mails;
}

// The body email-smtp.bench.ts sends as its "3 KB text" mail.
const smtpBody = `Hello support,\n\n${'I have a question about my order and the invoice that came with it. '.repeat(40)}\n\nThanks, customer 1`;

function time(texts: string[], rounds: number): number {
  for (const t of texts) trimReply(t); // warm up
  const start = process.cpuUsage();
  for (let r = 0; r < rounds; r++) for (const t of texts) trimReply(t);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / (rounds * texts.length);
}

async function main() {
  const rounds = Number(process.argv[2] ?? 20);
  const mails = await corpusMails();
  if (process.env.TRIM_DUMP) {
    fs.writeFileSync(process.env.TRIM_DUMP, mails.map((m) => JSON.stringify({ name: m.name, ...trimReply(m.text) })).join('\n') + '\n');
  }
  const corpus = time(mails.map((m) => m.text), rounds);
  const smtp = time([smtpBody], rounds * 20);
  console.log(`${mails.length} corpus mails, ${rounds} rounds: ${corpus.toFixed(3)} ms CPU per mail; SMTP bench 3 KB body: ${smtp.toFixed(3)} ms CPU per mail`);
}

void main();
