import { bareWork } from './filters/wrapped-header';
import { scanWork } from './filters/place-header';
import { trimReply } from './trim-reply';

// The trimmer's work must grow with the mail, not faster: counted, never timed. A body four times
// as long may cost four times as much (a little more for slack), never sixteen. Two shapes once
// made it quadratic: a "Sent from…" line without a device name had every header finder read the
// rest of the mail again, and a long line had every sentence end's tail put through bare().
const work = (text: string) => {
  bareWork.calls = 0;
  bareWork.chars = 0;
  scanWork.lines = 0;
  trimReply(text);
  return { scanned: scanWork.lines, bareCalls: bareWork.calls, bareChars: bareWork.chars };
};

const block = (i: number) => [
  `Line ${i}: the order is late. On it. Please check the invoice.`,
  'Sent from the office',
  `More text after it, ${i}.`,
  '',
  `Name:        value ${i}      and     more  :`,
  `   ---   *** ___   text ${i}   ---`,
  'I asked about the order. On Monday it was late. '.repeat(5),
  '',
];
// Blocks of 8 lines, and a quoted reply at the very end (so every header search runs to it).
const body = (blocks: number) =>
  [...Array.from({ length: blocks }, (_, i) => block(i)).flat(), 'On Mon, 2 Nov 2026 at 10:00, Bob <bob@x.test> wrote:', '> the old text'].join('\n');
// One long line of sentences, the shape of the SMTP bench's 3 KB mail.
const longLine = (sentences: number) => `Hello,\n\n${'I have a question about my order. On Monday it came late. '.repeat(sentences / 2)}\n\nThanks`;

describe('reply trimming work', () => {
  it('grows linearly with the number of lines (1,250 against 5,000)', () => {
    const small = body(156);
    const large = body(625);
    const a = work(small);
    const b = work(large);
    const lines = large.split('\n').length;
    expect(lines).toBeGreaterThanOrEqual(5000);
    expect(b.scanned).toBeLessThanOrEqual(a.scanned * 4.6);
    expect(b.bareCalls).toBeLessThanOrEqual(a.bareCalls * 4.6);
    expect(b.bareChars).toBeLessThanOrEqual(a.bareChars * 4.6);
    expect(b.scanned).toBeLessThanOrEqual(20 * lines);
    expect(b.bareChars).toBeLessThanOrEqual(20 * large.length);
  });

  it('grows linearly with the length of a line (100 against 400 sentences)', () => {
    const a = work(longLine(100));
    const b = work(longLine(400));
    expect(b.bareChars).toBeLessThanOrEqual(a.bareChars * 4.6);
    expect(b.bareChars).toBeLessThanOrEqual(20 * longLine(400).length);
  });

  it('still trims what it trimmed: the quoted reply at the end goes, the rest stays', () => {
    const r = trimReply(body(20));
    expect(r.trimmed).toBe(true);
    expect(r.visible.endsWith('I asked about the order. On Monday it was late.')).toBe(true);
    expect(r.visible).toContain('Sent from the office\nMore text after it, 19.');
  });
});
