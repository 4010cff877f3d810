import { TrimFilter, isQuoted } from './lines';
import { OPENED_MAX, isOpenedQuoteHeader, mayOpenQuoteHeader } from './quote-header';
import { solidLength } from './wrapped-header';

// Where a header may be glued on: after the end of a sentence.
const SENTENCE_END = /[.!?…)]\s*(?=\S)/gu;
// A tail that does not open a header itself may still open one once the next line is joined to it
// only when it is no more than frame, letters, spaces, letters ("-- In" + "data 2 nov…", "W" +
// "dniu…"). The look-ahead captures make each run atomic, so this never backtracks.
const MAY_CONTINUE = /^(?=([\s*_-]*))\1(?=(\p{L}*))\2(?=(\s*))\3(?=(\p{L}*))\4$/u;

// Some webmails flatten the reply so the header ends the sender's last line:
// "I'll try that tonight. On Mon, 2 Nov 2026 at 10:00, Support <s@acme.test> wrote:".
// Put the header on its own line so the header filters see it.
// Every sentence end of a long line is a place to try, so each try must cost little: a tail is
// only read as a header when it starts with a header word, and only while what bare() would keep
// of it fits the header's length limit (a long line's early tails never do).
export const gluedHeader: TrimFilter = {
  name: 'glued-header',
  apply: (lines) => {
    const solidOf: number[] = [];
    return lines.flatMap((line, i) => {
      if (isQuoted(line) || isOpenedQuoteHeader(line)) return [line];
      let counted = 0; // solid characters of line[0, countedTo)
      let countedTo = 0;
      let lineSolid = -1;
      for (const m of line.matchAll(SENTENCE_END)) {
        const at = (m.index ?? 0) + m[0].length;
        const tail = line.slice(at);
        if (!mayOpenQuoteHeader(tail) && !MAY_CONTINUE.test(tail)) continue;
        if (lineSolid < 0) lineSolid = solidLength(line);
        counted += solidLength(line, countedTo, at);
        countedTo = at;
        let solid = lineSolid - counted;
        // The header may go on over the next lines ("… <" / "s@acme.test> wrote:").
        for (let more = 0; more <= 3 && i + more < lines.length; more++) {
          if (more > 0) solid += solidOf[i + more] ??= solidLength(lines[i + more]);
          if (solid > OPENED_MAX) break;
          if (isOpenedQuoteHeader([tail, ...lines.slice(i + 1, i + 1 + more)].join(' '))) return [line.slice(0, at).trimEnd(), tail];
        }
      }
      return [line];
    });
  },
};
