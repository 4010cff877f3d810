import { TrimFilter, isQuoted } from './lines';
import { isOpenedQuoteHeader } from './quote-header';

// Some webmails flatten the reply so the header ends the sender's last line:
// "I'll try that tonight. On Mon, 2 Nov 2026 at 10:00, Support <s@acme.test> wrote:".
// Put the header on its own line so the header filters see it.
export const gluedHeader: TrimFilter = {
  name: 'glued-header',
  apply: (lines) =>
    lines.flatMap((line, i) => {
      if (isQuoted(line) || isOpenedQuoteHeader(line)) return [line];
      for (const m of line.matchAll(/[.!?…)]\s*(?=\S)/gu)) {
        const at = (m.index ?? 0) + m[0].length;
        const tail = line.slice(at);
        // The header may go on over the next lines ("… <" / "s@acme.test> wrote:").
        for (let more = 0; more <= 3 && i + more < lines.length; more++) {
          if (isOpenedQuoteHeader([tail, ...lines.slice(i + 1, i + 1 + more)].join(' '))) return [line.slice(0, at).trimEnd(), tail];
        }
      }
      return [line];
    }),
};
