import { TrimFilter, cutAt, hasText, isBlank, isQuoted } from './lines';
import { findQuoteHeader } from './quote-header';
import { findQuotedBlockIntro } from './quoted-block-intro';
import { findVerblessHeader } from './verbless-header';

// A trailing run of "> quoted" lines with nothing new after it. When all that would stay is the
// header of that quote, the mail is nothing but history and is shown whole.
export const trailingQuote: TrimFilter = {
  name: 'trailing-quote',
  apply: (lines) => {
    let end = lines.length;
    while (end > 0 && isBlank(lines[end - 1])) end--;
    let i = end;
    while (i > 0 && (isQuoted(lines[i - 1]) || isBlank(lines[i - 1]))) i--;
    if (i === end || onlyHeaders(lines.slice(0, i))) return lines;
    return cutAt(lines, i);
  },
};

function onlyHeaders(lines: string[]): boolean {
  for (const find of [findQuoteHeader, findVerblessHeader, findQuotedBlockIntro]) {
    for (let h = find(lines, 0); h; h = find(lines, h.start)) lines = [...lines.slice(0, h.start), ...lines.slice(h.end)];
  }
  return !hasText(lines);
}
