import { EMAIL, TrimFilter } from './lines';
import { placeHeaders } from './place-header';
import { hasHeaderVerb } from './quote-header';
import { HeaderReading, findWrappedHeader } from './wrapped-header';

// Headers with a date and a sender but no verb, above quoted or plain history:
// "2016-03-03 17:21 GMT+01:00 Someone <…>:" (Gmail), "пн, 2 нояб. 2026 г. в 10:15, Иван <i@x>:"
// (Gmail in Russian), "02.11.2026, 10:15, "Acme" <s@acme.test>:" (Yandex).
const GMAIL_DATE = /^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2} GMT[+-]\d{1,2}:?\d{2}(?![\p{N}])/u;
// The date and time lead, the sender follows in the same sentence, the colon ends it.
const DATED_SENDER = new RegExp(
  `^.{0,40}?(?<![\\p{N}])\\d{1,2}[:.]\\d{2}(?![\\p{N}])((?![.!?]\\s+\\p{Lu}).){0,120}?[<(\\[]?${EMAIL.source}[>)\\]]?\\s*:$`,
  'u',
);

const reading: HeaderReading = (joined) =>
  joined.length <= 300 && !hasHeaderVerb(joined) && (GMAIL_DATE.test(joined) || DATED_SENDER.test(joined)) ? 'plain' : null;

const mayEnd = (line: string) => /:\s*$/.test(line) || GMAIL_DATE.test(line.trim());
export const findVerblessHeader = (lines: string[], from: number, scanFrom = from) => findWrappedHeader(lines, from, reading, mayEnd, scanFrom);

export const verblessHeader: TrimFilter = {
  name: 'verbless-header',
  apply: (lines) => placeHeaders(lines, findVerblessHeader),
};
