import { TrimFilter, WORD_START, cutAt, isBlank, isQuoted } from './lines';
import { findBanner } from './banner';
import { findOutlookBlock } from './outlook-block';
import { findQuoteHeader } from './quote-header';
import { FoundHeader, HeaderFinder } from './place-header';
import { findVerblessHeader } from './verbless-header';

// "Sent from my iPhone" and the other lines phones and mail apps append, in their languages.
const SENT = '(Sent|Envoyé|Enviado|Enviada|Verzonden|Verstuurd|Inviato|Skickat|Sendt|Wysłane|Wysłano|Gesendet|Отправлено|Odesláno)';
const VIA = '(from|with|via|on|using|depuis|de|à partir de|desde|do|van|vanaf|met|da|dal|från|fra|med|z|ze|von|mit|с|со|из)';
// What may follow the device: an apology for typos, nothing else ("Sent from my desk, is much
// easier…" is a sentence, not a signature).
const EXCUSE = '([.,;:]?\\s+(please|pls|excuse|pardon|sorry|bitte|désolé|excusez|disculpe|perdone|scusate|scusa).*)?';
const SENT_LINE = new RegExp(`^\\(?${SENT}\\s+${VIA}\\s+[^,;:!?()]{1,60}?${EXCUSE}[.)]?$`, 'iu');
const FIXED = [
  /^Lähetetty\s+[^,;:!?]{1,40}(sta|stä)\.?$/iu, // Finnish "Lähetetty iPhonesta"
  /^Von meine(m|n)\s.{0,80}gesendet\.?$/iu,
  /^Diese Nachricht wurde von meinem\s/iu,
  /^(Get|Obtenir|Obtener|Scarica|Hämta|Hent|Pobierz|Download) Outlook (for|pour|para|per|för|til|dla|voor)\s+(iOS|Android)\.?$/iu,
  /^Outlook (für|voor) (iOS|Android) (herunterladen|downloaden)$/iu,
  /^<<\s*sent by .+>>$/iu,
  /^(Someone from mobile|From My Iphone.*)$/iu,
  /^(從我的\s?iPhone\s?傳送|从我的\s?iPhone\s?发送|iPhoneから送信)$/u,
];
// Device and app names: with one, a "Sent from…" line is a signature wherever it stands.
const DEVICE = new RegExp(
  `${WORD_START}(iphone|ipad|ipod|android|mobil|móvil|cell|phone|smartphone|téléphone|telefon|teléfono|tablet|device|appareil|dispositivo|gerät|blackberry|samsung|galaxy|htc|nokia|huawei|xiaomi|pixel|motorola|alcatel|sony|oneplus|outlook|mail|gmail|yahoo|airmail|spark|proton|aol|windows|mac|ios|watch|k-9|почт)`,
  'iu',
);

// Links and markdown are decoration here: "Get Outlook for iOS<https://aka.ms/…>".
const plain = (line: string) =>
  line
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<?https?:\/\/[^\s>]*>?/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const isPlainMobileSignature = (t: string) => FIXED.some((r) => r.test(t)) || (SENT_LINE.test(t) && DEVICE.test(t));
export const isMobileSignature = (line: string) => isPlainMobileSignature(plain(line));

// Whether a header starts right at line k, asked for later and later k (one "Sent from…" line
// after another). A search from a later line finds nothing the previous search did not (see
// HeaderFinder), so each resumes where the previous one found its header, or gives up at once
// where that one found none: the lines in between are read once, not once per such line.
function headerStartsAt(lines: string[]): (k: number) => boolean {
  const finders: HeaderFinder[] = [findQuoteHeader, findVerblessHeader, findBanner, findOutlookBlock];
  const last: { from: number; found: FoundHeader | null }[] = finders.map(() => ({ from: -1, found: null }));
  return (k) =>
    finders.some((find, n) => {
      const prev = last[n];
      const earlier = prev.from >= 0 && prev.from <= k;
      if (earlier && !prev.found) return false;
      const found = earlier && prev.found ? find(lines, k, Math.max(k, prev.found.start)) : find(lines, k);
      last[n] = { from: k, found };
      return found?.start === k;
    });
}

// Without a device name the line must close the reply: only history or more signature below.
const closesReply = (lines: string[], i: number, headerAt: (k: number) => boolean) => {
  let k = i + 1;
  while (k < lines.length && isBlank(lines[k])) k++;
  if (k === lines.length || isQuoted(lines[k]) || isMobileSignature(lines[k])) return true;
  return headerAt(k);
};

export const mobileSignature: TrimFilter = {
  name: 'mobile-signature',
  apply: (lines) => {
    const headerAt = headerStartsAt(lines);
    const i = lines.findIndex((l, idx) => {
      if (idx === 0 || isQuoted(l)) return false;
      const t = plain(l);
      if (isPlainMobileSignature(t)) return true;
      return SENT_LINE.test(t) && closesReply(lines, idx, headerAt);
    });
    return i > 0 ? cutAt(lines, i) : lines;
  },
};
