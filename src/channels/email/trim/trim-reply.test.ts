import fs from 'node:fs';
import path from 'node:path';
import { corpusPath } from '../../../../test/helpers/corpus';
import { filters, trimReply } from './trim-reply';

const { dir: CORPUS, present: CORPUS_PRESENT } = corpusPath('email/reply-trimming');
// Exact matches on the Discourse corpus; raise it when the trimmer gets better, never lower it.
const CORPUS_FLOOR = 63;

describe('reply trimming', () => {
  it('keeps new text and drops a quoted reply and a mobile signature', () => {
    const r = trimReply('Thanks, that fixed it!\n\nSent from my iPhone\n\nOn Mon, Nov 2, 2026 at 10:00 AM Support <s@acme.test> wrote:\n> Try restarting.');
    expect(r).toEqual({ visible: 'Thanks, that fixed it!', trimmed: true });
  });

  it('leaves a mail without history as it is', () => {
    expect(trimReply('  Hello,\r\n\r\nmy order 4471 has not arrived.\r\n')).toEqual({ visible: 'Hello,\n\nmy order 4471 has not arrived.', trimmed: false });
  });

  it('shows the reply written below a quote, not an empty text', () => {
    const r = trimReply('Le lun. 2 nov. 2026 à 10:15, Service client <s@acme.test> a écrit :\n> Quel est votre numéro de commande ?\n\nC\'est le 4471.');
    expect(r).toEqual({ visible: "C'est le 4471.", trimmed: true });
  });

  it('never returns empty text: a mail of nothing but history is shown whole', () => {
    const mail = 'On Mon, Nov 2, 2026 at 10:00 AM Support <s@acme.test> wrote:\n> Try restarting.';
    expect(trimReply(mail).visible).toBe(mail);
  });

  it('runs its filters in a fixed, named order', () => {
    expect(filters.map((f) => f.name)).toEqual([
      'glued-header', 'mobile-signature', 'signature', 'banner', 'outlook-block', 'quote-header', 'verbless-header',
      'quoted-block-intro', 'trailing-quote', 'trailing-rules',
    ]);
  });

  // Prints the score; run: npx jest src/channels/email/trim/trim-reply.test.ts
  (CORPUS_PRESENT ? it : it.skip)(`matches the trimmed text of the Discourse corpus for at least ${CORPUS_FLOOR} mails`, () => {
    const names = fs.readdirSync(path.join(CORPUS, 'emails')).filter((n) => fs.existsSync(path.join(CORPUS, 'trimmed', n)));
    const misses: string[] = [];
    for (const n of names) {
      const got = trimReply(fs.readFileSync(path.join(CORPUS, 'emails', n), 'utf8')).visible;
      const want = fs.readFileSync(path.join(CORPUS, 'trimmed', n), 'utf8').replace(/\r\n?/g, '\n').trim();
      if (got !== want) misses.push(n);
    }
    const hits = names.length - misses.length;
    console.log(`reply trimming: ${hits}/${names.length} exact (${((hits / names.length) * 100).toFixed(1)}%); misses: ${misses.join(', ') || 'none'}`);
    expect(names.length).toBe(64);
    expect(hits).toBeGreaterThanOrEqual(CORPUS_FLOOR);
  });
});
