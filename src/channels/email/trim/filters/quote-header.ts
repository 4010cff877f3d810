import { EMAIL, TIME, TrimFilter, WORD_END, WORD_START } from './lines';
import { placeHeaders } from './place-header';
import { HeaderReading, bare, findWrappedHeader } from './wrapped-header';

// The words clients put before the quoted message: "On … wrote:", "Am … schrieb …:",
// "W dniu … napisał(a):", "Op … het volgende geschreven:", "… kirjoitti …:", "In data … ha scritto:".
const OPENERS = [
  'On', 'Le', 'Am', 'El', 'Op', 'Il', 'In data', 'Em', 'Den', 'Dne', 'Dňa', 'På', 'W dniu', 'Dnia', 'Dana', 'В', 'У',
];
const VERBS = [
  'wrote', 'writes', 'schrieb', 'a écrit', 'escribió', 'escreveu', 'schreef', 'het volgende geschreven', 'ha scritto',
  'scrisse', 'skrev', 'skreiv', 'napsal', 'napsala', 'napísal', 'napisał', 'napisała', 'napisał\\(a\\)', 'pisze',
  'kirjoitti', 'пишет', 'написал', 'написала', 'написал\\(а\\)', 'написав', 'yazdı', 'írta', 'scrise',
];
const opener = `^\\s*(${OPENERS.join('|')})${WORD_END}`;
const verb = `${WORD_START}(${VERBS.join('|')})${WORD_END}`;

// "On …, Bob wrote" with or without the colon, when it starts with one of the openers.
const TAIL = '(\\s+.{0,100}?(\\d|Uhr|[>)"»]))?';
const OPENED = new RegExp(`${opener}.{0,300}${verb}${TAIL}\\s*:?\\s*$`, 'iu');
// "Bob <bob@x> wrote:", "Max <m@x> schrieb am Fr., 28. Apr. 2017 um 11:53 Uhr:", "… skrev Ola <o@x>:"
// — any start, so it must end in the colon and say who or when.
const VERB_LAST = new RegExp(`${verb}${TAIL}\\s*:$`, 'iu');
const VERB = new RegExp(verb, 'iu');
export const hasHeaderVerb = (text: string) => VERB.test(text);
const CJK = /^.{0,200}(写道|寫道|のメッセージ)\s*[:：]?\s*$/u;

// Every client writes a date (or the address) into the header; "On my phone the app wrote:" is
// the sender's own sentence.
const opened = (t: string) => t.length <= 400 && /\d|@/.test(t) && OPENED.test(t);

export function isQuoteHeader(text: string): boolean {
  const t = bare(text);
  if (t.length > 400) return false;
  if (opened(t)) return true;
  if (VERB_LAST.test(t) && (TIME.test(t) || EMAIL.test(t))) return true;
  return CJK.test(t);
}

export const isOpenedQuoteHeader = (text: string) => opened(bare(text));

const reading: HeaderReading = (joined) => (!isQuoteHeader(joined) ? null : opened(joined) ? 'opened' : 'plain');
const MAY_END = new RegExp(`([:：]|${verb}|写道|寫道|のメッセージ)\\s*$`, 'iu');
export const findQuoteHeader = (lines: string[], from: number) => findWrappedHeader(lines, from, reading, (l) => MAY_END.test(bare(l)));

export const quoteHeader: TrimFilter = {
  name: 'quote-header',
  apply: (lines) => placeHeaders(lines, findQuoteHeader),
};
