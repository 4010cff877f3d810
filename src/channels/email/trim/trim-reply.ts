// The visible new text of a reply: an ordered chain of tiny named filters over the lines.
// Each filter returns the line index where the reader's text ends (or the lines unchanged).
export type TrimFilter = { name: string; cut: (lines: string[]) => number | null };

const QUOTE_HEADERS: RegExp[] = [
  /^\s*On\b.{0,300}\bwrote\s*:?\s*$/i,
  /^\s*Am\b.{0,300}\bschrieb.{0,80}:?\s*$/i,
  /^\s*(Le|El|Op|Il|Em|Den|Dne|På)\b.{0,300}\b(a écrit|escribió|schreef|ha scritto|escreveu|skrev|napsal|skreiv)\s*:?\s*$/i,
  /^\s*W dniu\b.{0,300}\bpisze:?\s*$/i,
  /^.{0,300}(пишет|написал|написав|написала)\s*:\s*$/i,
  /^.{0,200}(写道|寫道)\s*[:：]?\s*$/,
  /^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Oorspronkelijk bericht|Messaggio originale|Forwarded message|Weitergeleitete Nachricht)\s*-{2,}/i,
  /^\s*Begin forwarded message:?\s*$/i,
];

// Gmail's "2016-03-03 17:21 GMT+01:00 Someone <…>:" header line.
const DATE_LINE = /^\s*\d{4}-\d{2}-\d{2} \d{1,2}:\d{2} GMT[+-]\d{1,2}:?\d{2}\b/;

const HEADER_FIELD = /^\s*\*?(From|Von|De|Van|Da|Från|Fra|Od|От|Від|发件人)\s*:?\*?\s*:?\s*\S/i;
const HEADER_FOLLOW = /^\s*\*?(Sent|Date|To|Subject|Gesendet|Datum|An|Betreff|Envoyé|Date|À|Objet|Enviado|Para|Asunto|Verzonden|Aan|Onderwerp|Inviato|Oggetto|Skickat|Ämne|Sendt|Emne|Wysłano|Temat|Отправлено|Дата|Кому|Тема|发送时间|收件人|主题)\s*:?\*?\s*:/i;

const SIGNATURE = [
  /^-- ?$/,
  /^__+$/,
  /^\s*(Sent|Envoyé|Enviado|Verzonden|Inviato|Skickat|Sendt|Wysłane)\s+(from|with|via|depuis|desde|de|van|da|från|fra|z)\b.{0,80}$/i,
  /^\s*Von meine(m|n)\b.{0,80}gesendet\.?$/i,
  /^\s*Diese Nachricht wurde von meinem\b/i,
  /^\s*Get Outlook for\b/i,
  /^\s*<<\s*sent by .+>>\s*$/i,
  /^\s*(Someone from mobile|From My Iphone.*)$/i,
];

export const filters: TrimFilter[] = [
  {
    // "On Tue, … wrote:" (also split over two lines), "-----Original Message-----", forwarded blocks.
    name: 'quote-header',
    cut: (lines) => {
      for (let i = 0; i < lines.length; i++) {
        if (DATE_LINE.test(lines[i])) return i;
        // Clients wrap the header over up to four lines and decorate it with dashes.
        for (let span = 1; span <= 4 && i + span <= lines.length; span++) {
          const joined = lines.slice(i, i + span).join(' ');
          const bare = joined.replace(/^\s*-{2,}\s*|\s*-{2,}\s*$/g, '').trim();
          if (QUOTE_HEADERS.some((r) => r.test(joined) || r.test(bare))) return i;
        }
      }
      return null;
    },
  },
  {
    // Any language: a line that introduces a quoted block ("… написал:", "x <a@b> schrieb:",
    // "2013/7/20 sam <a@b>") directly followed by "> " or "| " lines.
    name: 'quoted-block-intro',
    cut: (lines) => {
      for (let i = 1; i < lines.length; i++) {
        const l = lines[i].trim();
        if (!l || /^[>|]/.test(l)) continue;
        if (!/:$/.test(l) && !/<[^>\s]+@[^>\s]+>\s*:?$/.test(l)) continue;
        const next = lines.slice(i + 1, i + 4).find((x) => x.trim());
        if (next && /^\s*[>|]/.test(next)) return i;
      }
      return null;
    },
  },
  {
    // Outlook-style header block: From: followed closely by Sent:/Date:/To:/Subject:.
    name: 'header-block',
    cut: (lines) => {
      for (let i = 0; i < lines.length; i++) {
        if (!HEADER_FIELD.test(lines[i])) continue;
        const next = lines.slice(i + 1, i + 5).filter((l) => HEADER_FOLLOW.test(l)).length;
        if (next >= 1) {
          // Take a rule line just above with it.
          let start = i;
          while (start > 0 && /^\s*([-_=*]{5,}|)\s*$/.test(lines[start - 1])) start--;
          return start;
        }
      }
      return null;
    },
  },
  {
    // A trailing run of "> quoted" lines with nothing new after it.
    name: 'trailing-quote',
    cut: (lines) => {
      let end = lines.length;
      while (end > 0 && lines[end - 1].trim() === '') end--;
      let i = end;
      while (i > 0 && (/^\s*>/.test(lines[i - 1]) || lines[i - 1].trim() === '')) i--;
      return i < end && i > 0 ? i : null;
    },
  },
  {
    name: 'signature',
    cut: (lines) => {
      const i = lines.findIndex((l, idx) => idx > 0 && SIGNATURE.some((r) => r.test(l)));
      return i > 0 ? i : null;
    },
  },
  {
    // Leftover decoration lines at the end (---, ***, ~~~, a lone zero-width mark).
    name: 'trailing-rules',
    cut: (lines) => {
      let i = lines.length;
      while (i > 0 && /^\s*([-_=*#~+]{2,}|[\u1427\u200b]|)\s*$/.test(lines[i - 1])) i--;
      return i < lines.length ? i : null;
    },
  },
];

export function trimReply(text: string): { visible: string; trimmed: boolean } {
  let lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.replace(/\s+$/, ''));
  const original = lines.length;
  for (const f of filters) {
    const at = f.cut(lines);
    if (at !== null && at > 0 && lines.slice(0, at).some((l) => l.trim())) lines = lines.slice(0, at);
  }
  const visible = lines.join('\n').replace(/^\s*\n/, '').trim();
  return { visible: visible || text.trim(), trimmed: lines.length < original };
}
