import { TrimFilter, isBlank } from './lines';
import { FoundHeader, placeHeaders, scanWork } from './place-header';

// Any language: a line that introduces a quoted block ("Bob wrote:", "x <a@b> schrieb:",
// "2013/7/20 sam <a@b>") directly followed by "> " or "| " lines.
export function findQuotedBlockIntro(lines: string[], from: number, scanFrom = from): FoundHeader | null {
  for (let i = Math.max(from, scanFrom, 1); i < lines.length; i++) {
    scanWork.lines++;
    const l = lines[i].trim();
    if (!l || /^[>|]/.test(l)) continue;
    if (!/:$/.test(l) && !/<[^>\s]+@[^>\s]+>\s*:?$/.test(l)) continue;
    const next = lines.slice(i + 1, i + 4).find((x) => !isBlank(x));
    if (next && /^\s*[>|]/.test(next)) return { start: i, end: i + 1 };
  }
  return null;
}

// An intro above a quote that the sender then answers may be the sender's own words
// ("You asked:"), so an inline reply keeps it.
export const quotedBlockIntro: TrimFilter = {
  name: 'quoted-block-intro',
  apply: (lines) => placeHeaders(lines, findQuotedBlockIntro, { keepInline: true }),
};
