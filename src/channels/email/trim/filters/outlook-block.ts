import { TrimFilter, isBlank, isQuoted } from './lines';
import { FoundHeader, placeHeaders, scanWork } from './place-header';

// Outlook (and webmail) header blocks: "From:" followed closely by "Sent:"/"To:"/"Subject:", in
// the sender's language — French ones read "De : / Envoyé : / À : / Copie à : / Objet :", or
// "Message du … / De : / A : / Copie à : / Objet :", some say "Sujet".
const FROM = ['From', 'Von', 'De', 'Van', 'Da', 'Från', 'Fra', 'Od', 'От', 'Від', '发件人', 'Lähettäjä', 'Feladó'];
const FOLLOW = [
  'Sent', 'Date', 'Dato', 'To', 'Cc', 'Subject', 'Gesendet', 'Datum', 'An', 'Betreff', 'Envoyé', 'À', 'A', 'Copie à', 'Objet',
  'Sujet', 'Enviado', 'Fecha', 'Para', 'Asunto', 'Verzonden', 'Aan', 'Onderwerp', 'Inviato', 'Data', 'Oggetto',
  'Skickat', 'Till', 'Ämne', 'Sendt', 'Til', 'Emne', 'Wysłano', 'Do', 'DW', 'Temat', 'Отправлено', 'Дата', 'Кому',
  'Копия', 'Тема', '发送时间', '收件人', '主题', 'Lähetetty', 'Vastaanottaja', 'Aihe',
];
const label = (names: string[]) => `^\\s*\\*?(${names.join('|')})\\*?\\s*:\\*?`;
const FROM_FIELD = new RegExp(`${label(FROM)}\\s*\\S`, 'iu');
const FOLLOW_FIELD = new RegExp(label(FOLLOW), 'iu');
const ABOVE = /^\s*([-_=*]{5,}|Message du .{0,60})\s*$/iu;

export function findOutlookBlock(lines: string[], from: number, scanFrom = from): FoundHeader | null {
  for (let i = Math.max(from, scanFrom); i < lines.length; i++) {
    scanWork.lines++;
    if (isQuoted(lines[i]) || !FROM_FIELD.test(lines[i])) continue;
    if (!lines.slice(i + 1, i + 6).some((l) => FOLLOW_FIELD.test(l))) continue;
    let start = i;
    // Take the rule or "Message du …" line just above with it.
    while (start > from && (isBlank(lines[start - 1]) || ABOVE.test(lines[start - 1])) && hasRuleAbove(lines, start, from)) start--;
    let end = i + 1;
    while (end < lines.length && !isBlank(lines[end])) end++;
    return { start, end };
  }
  return null;
}

const hasRuleAbove = (lines: string[], at: number, from: number) => {
  for (let k = at - 1; k >= from; k--) {
    if (ABOVE.test(lines[k])) return true;
    if (!isBlank(lines[k])) return false;
  }
  return false;
};

export const outlookBlock: TrimFilter = { name: 'outlook-block', apply: (lines) => placeHeaders(lines, findOutlookBlock) };
