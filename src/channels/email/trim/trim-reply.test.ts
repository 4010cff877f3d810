import fs from 'node:fs';
import path from 'node:path';
import { corpusPath } from '../../../../test/helpers/corpus';
import { trimReply } from './trim-reply';

const { dir: CORPUS, present: CORPUS_PRESENT } = corpusPath('email/reply-trimming');

describe('reply trimming', () => {
  it('keeps new text and drops a quoted reply and a mobile signature', () => {
    const r = trimReply('Thanks, that fixed it!\n\nSent from my iPhone\n\nOn Mon, Nov 2, 2026 at 10:00 AM Support <s@acme.test> wrote:\n> Try restarting.');
    expect(r).toEqual({ visible: 'Thanks, that fixed it!', trimmed: true });
  });

  (CORPUS_PRESENT ? it : it.skip)('matches the trimmed text of the Discourse corpus for most mails', () => {
    const names = fs.readdirSync(path.join(CORPUS, 'emails')).filter((n) => fs.existsSync(path.join(CORPUS, 'trimmed', n)));
    const misses: string[] = [];
    for (const n of names) {
      const got = trimReply(fs.readFileSync(path.join(CORPUS, 'emails', n), 'utf8')).visible;
      const want = fs.readFileSync(path.join(CORPUS, 'trimmed', n), 'utf8').replace(/\r\n?/g, '\n').trim();
      if (got !== want) misses.push(n);
    }
    const share = (names.length - misses.length) / names.length;
    console.log(`reply trimming: ${names.length - misses.length}/${names.length} exact (${(share * 100).toFixed(1)}%); misses: ${misses.join(', ')}`);
    expect(share).toBeGreaterThanOrEqual(FLOOR);
  });
});

const FLOOR = 0.75;
