import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../paths';

// The standalone checker and its explanation ship in every staff ticket export as they are.
let assets: { script: string; readme: string } | null = null;
export function verifyAssets(): { script: string; readme: string } {
  assets ??= {
    script: fs.readFileSync(path.join(ROOT, 'views', 'archive', 'verify.mjs'), 'utf8'),
    readme: fs.readFileSync(path.join(ROOT, 'views', 'archive', 'VERIFY.md'), 'utf8'),
  };
  return assets;
}

export function exportReadme(staff: boolean, hasSent: boolean): string {
  const lines = staff
    ? [
      'Chorus ticket export (staff copy)',
      '',
      'thread.html        the whole conversation, readable in any browser; staff notes are marked',
      '                   "Staff note - internal", and the history lists every change with its cause',
      'ticket.json        the ticket, its tags (internal ones included), participants with their',
      '                   identities, every message as stored and every TicketEvent (type, actor,',
      '                   data and cause: the rule or macro behind an automatic change)',
      'messages/N-received.eml   an inbound e-mail exactly as received (the bytes Chorus stored)',
      'messages/N-received.json  what another channel (web form, API, social platform) sent, as received',
      'messages/N-sent.eml       an agent reply as it went out by e-mail',
      'attachments/ID-NAME       every file, byte for byte (its SHA-256 is in ticket.json)',
      'chain.json         the ticket\'s tamper-evident history: every link, with the canonical content',
      '                   each digest was computed from',
      'VERIFY.md          how to check chain.json and ticket.json by hand',
      'verify.mjs         the same check as a program: `node verify.mjs` in this folder (Node 18+,',
      '                   no packages); it exits 0 when everything matches, 1 otherwise',
    ]
    : [
      'Your copy of a conversation with us',
      '',
      'thread.html        the conversation as you can see it on its page, readable in any browser',
      'ticket.json        the same messages as data (author, time, text, files)',
      'messages/N-received.eml   an e-mail you sent us, exactly as we received it',
      'messages/N-received.json  a message you sent through another channel, as we received it',
      'messages/N-sent.eml       a reply we e-mailed to you',
      'attachments/ID-NAME       every file of these messages, byte for byte',
    ];
  if (hasSent) {
    lines.push('', 'About the sent e-mail: when no mail relay is configured, Chorus keeps each outgoing mail and the',
      'file is those very bytes. Otherwise the relay\'s copy is not stored, and the file is rebuilt by',
      'the code that sent it: the same headers, Message-ID, text and files; the MIME boundaries differ',
      'and the Date header is the time it was sent.');
  }
  return `${lines.join('\n')}\n`;
}
