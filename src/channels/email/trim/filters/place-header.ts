import { hasText, isBlank, isQuoted } from './lines';

export type FoundHeader = { start: number; end: number };
// The first header at or below line `from`. A search from a later line finds nothing an earlier
// search would not have: it may only lose lines above its `from`. So a caller that knows no header
// is found before line `scanFrom` (an earlier search found its header there) may start there.
export type HeaderFinder = (lines: string[], from: number, scanFrom?: number) => FoundHeader | null;

// Lines the finders have looked at, for tests that check the work grows with the mail, not faster.
export const scanWork = { lines: 0 };

// What a header that introduces an earlier message means depends on what surrounds it:
// - text above it and only history below: a top-posted reply, everything from the header on goes;
// - nothing above it: the reply is below (bottom-posting, a forward): the header and the quote
//   right under it go, the rest stays;
// - text above and a quote followed by more text below: an inline reply; the quote is the context
//   the answers refer to, so only the header line goes (unless `keepInline`, for intros that may
//   be the sender's own words).
export function placeHeaders(lines: string[], find: HeaderFinder, opts: { keepInline?: boolean } = {}): string[] {
  let from = 0;
  for (let h = find(lines, from); h; h = find(lines, from)) {
    const before = hasText(lines, 0, h.start);
    let k = h.end;
    while (k < lines.length && isBlank(lines[k])) k++;
    const quoteFollows = k < lines.length && isQuoted(lines[k]);
    let m = k;
    if (quoteFollows) while (m < lines.length && (isQuoted(lines[m]) || isBlank(lines[m]))) m++;
    const textAfter = quoteFollows && m < lines.length && !startsHistory(lines, m, find);

    if (before && !textAfter) return lines.slice(0, h.start);
    if (!before && quoteFollows && !textAfter) return lines; // the whole mail is quoted history
    if (!before) {
      lines = [...lines.slice(0, h.start), ...lines.slice(quoteFollows ? m : h.end)];
      from = h.start;
    } else if (opts.keepInline) {
      from = m;
    } else {
      lines = [...lines.slice(0, h.start), ...lines.slice(h.end)];
      from = h.start;
    }
  }
  return lines;
}

// A further header right after a quote is more history, not the sender's answer; so is a
// disclaimer or list footer that a server appended below the whole mail.
function startsHistory(lines: string[], at: number, find: HeaderFinder): boolean {
  const h = find(lines, at);
  if (h && h.start === at) return true;
  const rest: string[] = [];
  for (let k = at; k < lines.length && rest.length <= 8; k++) if (!isBlank(lines[k])) rest.push(lines[k]);
  return rest.length <= 8 && FOOTER.test(rest.join(' '));
}

const FOOTER = /confidential|intended recipient|disclaimer|unsubscribe|vertraulich|confidentiel|riservat|confidencial|vertrouwelijk/i;
