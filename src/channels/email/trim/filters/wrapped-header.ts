import { isBlank, isQuoted } from './lines';
import { FoundHeader } from './place-header';

// How a header line reads on its own: "opened" when it starts with a header word ("On …"),
// "plain" when it is a header without one ("Bob <b@x> wrote:"), null when it is no header.
export type HeaderReading = (joined: string) => 'opened' | 'plain' | null;

// Clients wrap a header over up to four lines; it spans no blank line, except where a client broke
// an address onto lines of its own ("Bob\n\n<\nmailto:bob@x\n> wrote:", "<bob@x\n>:"). For each
// line, the header is the shortest run ending there that starts with a header word, else the
// shortest run that reads as a header, plus the line above it when that one ends inside an address.
// `mayEnd` is a cheap test of the last line, so long mails are not read four times over.
export function findWrappedHeader(lines: string[], from: number, read: HeaderReading, mayEnd: (line: string) => boolean): FoundHeader | null {
  for (let e = from; e < lines.length; e++) {
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

// Some clients frame the header with dashes or stars.
export const bare = (s: string) => s.replace(/^[\s*_-]+|[\s*_-]+$/g, '').replace(/\s+/g, ' ');
