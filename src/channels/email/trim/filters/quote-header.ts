import { EMAIL, TIME, TrimFilter, WORD_END, WORD_START } from './lines';
import { placeHeaders } from './place-header';
import { HeaderReading, bare, findWrappedHeader, lastBareChar } from './wrapped-header';

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
export const OPENED_MAX = 400;
const opened = (t: string) => t.length <= OPENED_MAX && /\d|@/.test(t) && OPENED.test(t);

export function isQuoteHeader(text: string): boolean {
  return isBareQuoteHeader(bare(text));
}

// The same for text bare() has already been through (it changes nothing the second time).
function isBareQuoteHeader(t: string): boolean {
  if (t.length > 400) return false;
  if (opened(t)) return true;
  if (VERB_LAST.test(t) && (TIME.test(t) || EMAIL.test(t))) return true;
  return CJK.test(t);
}

// The opener test of OPENED on the text as it is, before bare() (which only drops the frame in
// front and turns runs of spaces into one): false here means false there, at no cost of bare().
const MAY_OPEN = new RegExp(`^[\\s*_-]*(${OPENERS.map((o) => o.replace(/ /g, '\\s+')).join('|')})${WORD_END}`, 'iu');
export const mayOpenQuoteHeader = (text: string) => MAY_OPEN.test(text);

export const isOpenedQuoteHeader = (text: string) => MAY_OPEN.test(text) && opened(bare(text));

const reading: HeaderReading = (joined) => (!isBareQuoteHeader(joined) ? null : opened(joined) ? 'opened' : 'plain');
const MAY_END = new RegExp(`([:：]|${verb}|写道|寫道|のメッセージ)\\s*$`, 'iu');
// MAY_END can only match where the bare line ends in one of these (the last letter of a verb).
const END_CHAR = new RegExp(
  `^[${[':', '：', '道', 'ジ', ...VERBS.map((v) => v.replace(/\\/g, '').slice(-1))].join('').replace(/[\]\\^-]/g, '\\$&')}]$`,
  'iu',
);
const mayEnd = (l: string) => END_CHAR.test(lastBareChar(l)) && MAY_END.test(bare(l));
export const findQuoteHeader = (lines: string[], from: number, scanFrom = from) => findWrappedHeader(lines, from, reading, mayEnd, scanFrom);

export const quoteHeader: TrimFilter = {
  name: 'quote-header',
  apply: (lines) => placeHeaders(lines, findQuoteHeader),
};
