import fs from 'node:fs';
import path from 'node:path';
import { TrimFilter, filters, trimReply, trimWith } from '../../src/channels/email/trim/trim-reply';

// Reply-trimming fixtures: test/fixtures/trim-filters/<filter>/<case>.txt holds a mail body,
// a "=== visible ===" line, and the text a reader should see. Cases named "keeps-…" are mails the
// trimmer must leave alone; every other case needs its filter (without it the result differs).
const DIR = path.resolve(__dirname, '../fixtures/trim-filters');
const SEPARATOR = /^=== visible ===$/m;

export type ReplyFixture = { name: string; mail: string; visible: string };

export function replyFixtures(filter: string): ReplyFixture[] {
  const dir = path.join(DIR, filter);
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.txt'))
    .sort()
    .map((n) => {
      const [mail, visible] = fs.readFileSync(path.join(dir, n), 'utf8').split(SEPARATOR);
      if (visible === undefined) throw new Error(`${filter}/${n} has no "=== visible ===" line`);
      return { name: n.replace(/\.txt$/, ''), mail, visible: visible.trim() };
    });
}

// One test per fixture: the chain yields the expected text, and needs this filter to do so.
export function describeFilterFixtures(filter: TrimFilter) {
  describe(`${filter.name} filter fixtures`, () => {
    for (const f of replyFixtures(filter.name)) {
      it(f.name, () => {
        expect(trimReply(f.mail).visible).toBe(f.visible);
        if (!f.name.startsWith('keeps-')) {
          expect(trimWith(filters.filter((x) => x !== filter), f.mail).visible).not.toBe(f.visible);
        }
      });
    }
  });
}
