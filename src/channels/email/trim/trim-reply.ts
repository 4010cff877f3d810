import { banner } from './filters/banner';
import { gluedHeader } from './filters/glued-header';
import { TrimFilter, hasText } from './filters/lines';
import { mobileSignature } from './filters/mobile-signature';
import { outlookBlock } from './filters/outlook-block';
import { quoteHeader } from './filters/quote-header';
import { quotedBlockIntro } from './filters/quoted-block-intro';
import { signature } from './filters/signature';
import { trailingQuote } from './filters/trailing-quote';
import { trailingRules } from './filters/trailing-rules';
import { verblessHeader } from './filters/verbless-header';

export type { TrimFilter } from './filters/lines';

// The visible new text of a reply: an ordered chain of small named filters over the lines.
// Signatures go first, so a quote the sender answers is not taken for trailing history just
// because a signature follows the answer.
export const filters: TrimFilter[] = [
  gluedHeader,
  mobileSignature,
  signature,
  banner,
  outlookBlock,
  quoteHeader,
  verblessHeader,
  quotedBlockIntro,
  trailingQuote,
  trailingRules,
];

export function trimWith(chain: TrimFilter[], text: string): { visible: string; trimmed: boolean } {
  let lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trimEnd());
  const original = lines.join('\n').trim();
  for (const f of chain) {
    const kept = f.apply(lines);
    // A filter never leaves the reader nothing when the mail has something to read.
    if (hasText(kept)) lines = kept;
  }
  const visible = lines.join('\n').trim();
  return { visible: visible || text.trim(), trimmed: visible !== original };
}

export function trimReply(text: string): { visible: string; trimmed: boolean } {
  return trimWith(filters, text);
}
