import { parseAddress, parseAttachedMessage, parseForwardedBlock, stripForwardPrefix } from './forwarded-block';

describe('forwarded block', () => {
  it('reads a Gmail forward: the forwarder\'s note, the original sender, subject, date and text', () => {
    const f = parseForwardedBlock([
      'Can someone take this one? VIP.', '', '---------- Forwarded message ---------',
      'From: Jane Doe <Jane.Doe@client.example>', 'Date: Tue, 1 Dec 2026 10:00:00 +0000', 'Subject: Broken hinge', 'To: Ann <ann@acme.example>', '', '',
      'My cupboard hinge broke.', 'Jane',
    ].join('\n'));
    expect(f).toEqual({
      note: 'Can someone take this one? VIP.', from: { address: 'jane.doe@client.example', name: 'Jane Doe' }, subject: 'Broken hinge',
      date: new Date('2026-12-01T10:00:00Z'), body: 'My cupboard hinge broke.\nJane', marker: 'forward',
    });
  });

  it('reads Apple Mail, Thunderbird, Outlook and German forwards', () => {
    const apple = parseForwardedBlock('FYI\r\n\r\nBegin forwarded message:\r\n\r\nFrom: "Li, Wei" <wei@client.example>\r\nSubject: Invoice\r\nDate: 1 December 2026 at 10:00:00 CET\r\nTo: ann@acme.example\r\n\r\nWhere is my invoice?\r\n');
    expect(apple).toMatchObject({ note: 'FYI', from: { address: 'wei@client.example', name: 'Li, Wei' }, subject: 'Invoice', date: null, body: 'Where is my invoice?', marker: 'forward' });
    const tb = parseForwardedBlock('-------- Forwarded Message --------\nSubject: \tRefund\nDate: \tMon, 30 Nov 2026 09:00:00 +0100\nFrom: \tomar@client.example\nTo: \tann@acme.example\n\nRefund please');
    expect(tb).toMatchObject({ note: '', from: { address: 'omar@client.example', name: null }, subject: 'Refund', body: 'Refund please' });
    const outlook = parseForwardedBlock('see below\n\n-----Original Message-----\nFrom: Kim Park [mailto:kim@client.example]\nSent: Tuesday, December 1, 2026 10:00 AM\nTo: Ann\nSubject: Login fails\n\nI cannot log in.');
    expect(outlook).toMatchObject({ note: 'see below', from: { address: 'kim@client.example', name: 'Kim Park' }, subject: 'Login fails', body: 'I cannot log in.', marker: 'original' });
    const de = parseForwardedBlock('Bitte übernehmen.\n\n-------- Weitergeleitete Nachricht --------\nBetreff: Lieferung\nDatum: Tue, 1 Dec 2026 10:00:00 +0000\nVon: Max Muster <max@kunde.example>\nAn: ann@acme.example\n\nWo bleibt meine Lieferung?');
    expect(de).toMatchObject({ from: { address: 'max@kunde.example', name: 'Max Muster' }, subject: 'Lieferung', body: 'Wo bleibt meine Lieferung?', marker: 'forward' });
    const bold = parseForwardedBlock('________________________________\n*From:* Zoë <zoe@client.example>\n*Sent:* Tuesday\n*Subject:* Hi\n\nBody');
    expect(bold).toMatchObject({ from: { address: 'zoe@client.example', name: 'Zoë' }, subject: 'Hi', marker: 'original' });
  });

  it('finds nothing without a block or without a sender address', () => {
    expect(parseForwardedBlock('Just a question about my order.')).toBeNull();
    expect(parseForwardedBlock('---------- Forwarded message ---------\nFrom: Jane Doe\nSubject: x\n\nbody')).toBeNull();
  });

  it('strips forward prefixes and reads the address forms clients write', () => {
    expect(stripForwardPrefix('Fwd: WG: TR: Fw: Broken hinge')).toBe('Broken hinge');
    expect(stripForwardPrefix('Re: Broken hinge')).toBe('Re: Broken hinge');
    expect(parseAddress('Jane <mailto:JANE@x.example>')).toEqual({ address: 'jane@x.example', name: 'Jane' });
    expect(parseAddress('jane@x.example')).toEqual({ address: 'jane@x.example', name: null });
    expect(parseAddress('Jane Doe')).toBeNull();
  });

  it('reads a mail forwarded as an attachment', async () => {
    const raw = Buffer.from('From: Jane Doe <jane@client.example>\r\nSubject: Broken hinge\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nContent-Type: text/plain\r\n\r\nMy hinge broke.\r\n');
    expect(await parseAttachedMessage(raw)).toEqual({ from: { address: 'jane@client.example', name: 'Jane Doe' }, subject: 'Broken hinge', date: new Date('2026-12-01T10:00:00Z'), body: 'My hinge broke.' });
  });
});
