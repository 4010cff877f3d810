import { isBlank, isQuoted } from './lines';
import { FoundHeader, scanWork } from './place-header';

// How a header line reads on its own: "opened" when it starts with a header word ("On …"),
// "plain" when it is a header without one ("Bob <b@x> wrote:"), null when it is no header.
export type HeaderReading = (joined: string) => 'opened' | 'plain' | null;

// Clients wrap a header over up to four lines; it spans no blank line, except where a client broke
// an address onto lines of its own ("Bob\n\n<\nmailto:bob@x\n> wrote:", "<bob@x\n>:"). For each
// line, the header is the shortest run ending there that starts with a header word, else the
// shortest run that reads as a header, plus the line above it when that one ends inside an address.
// `mayEnd` is a cheap test of the last line, so long mails are not read four times over.
// `scanFrom` (see HeaderFinder) only skips lines already known to end no header.
export function findWrappedHeader(
  lines: string[], from: number, read: HeaderReading, mayEnd: (line: string) => boolean, scanFrom = from,
): FoundHeader | null {
  for (let e = Math.max(from, scanFrom); e < lines.length; e++) {
    scanWork.lines++;
    if (isBlank(lines[e]) || !mayEnd(lines[e]) || (isQuoted(lines[e]) && !CLOSING.test(lines[e]))) continue;
    let opened = -1;
    let plain = -1;
    for (let s = e, span = 1; span <= 4 && s >= from; s--, span++) {
      if (s < e && isBlank(lines[s]) && /^\s*</.test(lines[s + 1]) && s > from && !isBlank(lines[s - 1])) s--;
      if (isBlank(lines[s]) || (isQuoted(lines[s]) && s < e)) break;
      const reading = read(bare(lines.slice(s, e + 1).filter((l) => !isBlank(l)).join(' ')));
      if (reading && plain < 0) plain = s;
      if (reading === 'opened') {
        opened = s;
        break;
      }
    }
    let start = opened >= 0 ? opened : plain;
    if (start < 0) continue;
    while (start > from && !isBlank(lines[start - 1]) && /[<(]\s*$/.test(lines[start - 1])) start--;
    return { start, end: e + 1 };
  }
  return null;
}

// The end of an address cut onto its own line: ">:" or "> wrote:".
const CLOSING = /^\s*>\s*[\p{L}\s]{0,20}:\s*$/u;

// What bare() has done, for tests that check the trimmer's work grows with the mail, not faster.
export const bareWork = { calls: 0, chars: 0 };

// JS's \s, one UTF-16 unit at a time (the same set; a test compares all 65,536).
export const isSpaceUnit = (c: number) =>
  (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
const isFrame = (c: number) => c === 42 /* * */ || c === 95 /* _ */ || c === 45 /* - */ || isSpaceUnit(c);

// Some clients frame the header with dashes or stars: strip them and spaces from both ends and
// collapse inner whitespace. (Walked by hand: `/[\s*_-]+$/` tried at every position is quadratic
// in each run of spaces or dashes inside the line.)
export const bare = (s: string) => {
  bareWork.calls++;
  bareWork.chars += s.length;
  let a = 0;
  let b = s.length;
  while (a < b && isFrame(s.charCodeAt(a))) a++;
  while (b > a && isFrame(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b).replace(/\s+/g, ' ');
};

// How many characters of s[from, to) bare() keeps whatever surrounds them: all but spaces, * _ -.
export const solidLength = (s: string, from = 0, to = s.length) => {
  let n = 0;
  for (let k = from; k < to; k++) if (!isFrame(s.charCodeAt(k))) n++;
  return n;
};

// The last character of bare(s), without building it ('' when there is none).
export const lastBareChar = (s: string) => {
  let b = s.length;
  while (b > 0 && isFrame(s.charCodeAt(b - 1))) b--;
  return b > 0 ? s[b - 1] : '';
};
