import { TrimFilter, isBlank, isQuoted } from './lines';
import { FoundHeader, placeHeaders, scanWork } from './place-header';

// "-----Original Message-----" and its kin, framed by dashes or stars or standing alone.
const PHRASES = [
  'Original Message', 'Original E-?mail', 'Message d\'origine', 'Message original', 'Ursprüngliche Nachricht',
  'Originalnachricht', 'Mensaje original', 'Mensagem original', 'Oorspronkelijk bericht', 'Origineel bericht',
  'Messaggio originale', 'Ursprungligt meddelande', 'Oprindelig meddelelse', 'Oprindelig besked', 'Opprinnelig melding',
  'Alkuperäinen viesti', 'Wiadomość oryginalna', 'Oryginalna wiadomość', 'Исходное сообщение', 'Původní zpráva',
  'Forwarded message', 'Weitergeleitete Nachricht', 'Message transféré', 'Mensaje reenviado', 'Mensagem encaminhada',
  'Doorgestuurd bericht', 'Messaggio inoltrato', 'Vidarebefordrat meddelande', 'Videresendt meddelelse',
  'Videresendt besked', 'Videresendt melding', 'Välitetty viesti', 'Przekazana wiadomość', 'Пересылаемое сообщение',
];
const FRAMED = new RegExp(`^[\\s*_]*-{2,}\\s*(${PHRASES.join('|')})\\s*-{2,}[\\s*_]*$`, 'iu');
const ALONE = new RegExp(
  `^[\\s*_]*(${PHRASES.join('|')}|Begin forwarded message|Anfang der weitergeleiteten (Nachricht|E-Mail)|Début du message réexpédié|Start på videresendt besked|Vidarebefordrat brev|Begynnelse på videresendt melding|Inizio messaggio inoltrato|Inicio del mensaje reenviado|Início da mensagem reencaminhada)\\s*:?[\\s*_]*$`,
  'iu',
);
const FIELD = /^\s*\*?[\p{L}][\p{L} -]{0,24}\*?\s*:/u;

export const isBanner = (line: string) => FRAMED.test(line) || ALONE.test(line);

// The banner and the From:/Date:/Subject: fields that come with it (up to the next blank line).
export function findBanner(lines: string[], from: number, scanFrom = from): FoundHeader | null {
  for (let i = Math.max(from, scanFrom); i < lines.length; i++) {
    scanWork.lines++;
    if (isQuoted(lines[i]) || !isBanner(lines[i])) continue;
    let end = i + 1;
    let k = end;
    while (k < lines.length && isBlank(lines[k])) k++;
    if (k < lines.length && FIELD.test(lines[k])) {
      end = k;
      while (end < lines.length && !isBlank(lines[end])) end++;
    }
    return { start: i, end };
  }
  return null;
}

export const banner: TrimFilter = { name: 'banner', apply: (lines) => placeHeaders(lines, findBanner) };
