import iconv from 'iconv-lite';
import { parseEmail } from './parse-email';

const inbox = { address: 'support@acme.test', settings: null } as never;
const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');
// Raw mail from header and body pieces; Buffers stay bytes (legacy 8-bit), strings are ASCII.
const mail = (...pieces: (string | Buffer)[]) => Buffer.concat(pieces.map((x) => (Buffer.isBuffer(x) ? x : Buffer.from(crlf(x), 'latin1')))).toString('latin1');

describe('parseEmail: legacy charsets in raw 8-bit headers', () => {
  it('decodes a GBK subject and name by the part\'s declared charset', async () => {
    const m = await parseEmail(mail('From: ', iconv.encode('张伟', 'gbk'), ' <zhang@example.cn>\nTo: support@acme.test\nSubject: ', iconv.encode('关于订单的问题', 'gbk'), '\nContent-Type: text/plain; charset=gbk\nContent-Transfer-Encoding: 8bit\n\n', iconv.encode('您好，我的订单还没有发货。', 'gbk'), '\n'), inbox);
    expect(m.subject).toBe('关于订单的问题');
    expect(m.author.name).toBe('张伟');
    expect(m.text).toBe('您好，我的订单还没有发货。');
  });

  it('detects Shift_JIS, Big5 and KOI8-R headers when nothing declares a charset', async () => {
    for (const [enc, subject, name] of [['shift_jis', 'ご注文の商品についてのお問い合わせ', '山田太郎'], ['big5', '關於您的訂單問題', '陳大文'], ['koi8-r', 'Вопрос по заказу номер сорок два', 'Иван Петров']]) {
      const m = await parseEmail(mail('From: ', iconv.encode(name, enc), ' <p@example.test>\nSubject: ', iconv.encode(subject, enc), '\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhello\n--b--\n'), inbox);
      expect([enc, m.subject, m.author.name]).toEqual([enc, subject, name]);
    }
  });

  it('reads a raw ISO-2022-JP subject and a windows-1252 display name', async () => {
    const m = await parseEmail(mail('From: ', iconv.encode('Jürgen Müller', 'windows-1252'), ' <j@example.de>\nSubject: \x1b$B%F%9%H\x1b(B 1\nContent-Type: text/plain; charset=iso-8859-1\n\nhi\n'), inbox);
    expect(m.subject).toBe('テスト 1');
    expect(m.author.name).toBe('Jürgen Müller');
  });

  it('decodes an 8-bit body that declares no charset, or a wrong one', async () => {
    const m = await parseEmail(mail('From: a@example.ru\nSubject: x\nContent-Type: text/plain; charset=us-ascii\n\n', iconv.encode('Здравствуйте, где мой заказ?', 'windows-1251'), '\n'), inbox);
    expect(m.text).toBe('Здравствуйте, где мой заказ?');
    expect(JSON.stringify(m)).not.toContain('\uFFFD');
  });

  it('decodes base64 and quoted-printable bodies whose charset is missing or wrong', async () => {
    const b64 = iconv.encode('您好，我的订单还没有发货。', 'gbk').toString('base64');
    const a = await parseEmail(mail(`From: a@example.cn\nSubject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n${b64}\n`), inbox);
    expect(a.text).toBe('您好，我的订单还没有发货。');
    const qp = [...iconv.encode('Где мой заказ?', 'koi8-r')].map((b) => (b < 0x80 ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase()}`)).join('');
    const b = await parseEmail(mail(`From: a@example.ru\nSubject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n${qp}\n`), inbox);
    expect(b.text).toBe('Где мой заказ?');
  });
});

describe('parseEmail: HTML-only mail', () => {
  it('takes the text from Chorus\'s converter and keeps the author\'s case', async () => {
    const m = await parseEmail(mail('From: a@example.test\nSubject: html\nContent-Type: text/html; charset=utf-8\n\n<h1>Order Problem</h1><p>My Order did not arrive.</p>\n'), inbox);
    expect(m.text).toBe('Order Problem\nMy Order did not arrive.');
    expect(m.html).toContain('<h1>Order Problem</h1>');
  });
});

describe('parseEmail: every MIME part is kept', () => {
  it('keeps an HTML document after the body of a mixed mail as an attachment', async () => {
    const m = await parseEmail(mail('From: a@example.test\nSubject: receipt\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=c\n\n--c\nContent-Type: text/plain\n\nSee the receipt.\n--c\nContent-Type: text/html\n\n<p>See the receipt.</p>\n--c--\n--b\nContent-Type: text/html; name=receipt.html\n\n<h1>Receipt 42</h1>\n--b--\n'), inbox);
    expect(m.text).toBe('See the receipt.');
    expect(m.html).not.toContain('Receipt 42');
    expect(m.attachments).toEqual([expect.objectContaining({ filename: 'receipt.html', contentType: 'text/html' })]);
    expect(m.attachments![0].content.toString()).toContain('<h1>Receipt 42</h1>');
  });

  it('decodes an x-uuencode part and a uuencoded block pasted in the text', async () => {
    const uu = 'begin 644 hello.txt\n+:&5L;&\\@=V]R;&0`\n`\nend\n';
    const m = await parseEmail(mail(`From: a@example.test\nSubject: uu\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nPart and inline:\n\nbegin 644 note.txt\n#:&D*\n\`\nend\n\nbye\n--b\nContent-Type: application/octet-stream; name=hello.txt\nContent-Transfer-Encoding: x-uuencode\n\n${uu}--b--\n`), inbox);
    const byName = Object.fromEntries(m.attachments!.map((a) => [a.filename, a.content.toString()]));
    expect(byName).toEqual({ 'hello.txt': 'hello world', 'note.txt': 'hi\n' });
    expect(m.text).toBe('Part and inline:\n\nbye');
  });

  it('keeps forwarded mails as .eml attachments named by their subject, inline ones too', async () => {
    const fwd = 'From: Kim <kim@example.test>\nSubject: =?utf-8?q?Bestellung_M=C3=BCnchen?=\nDate: Mon, 1 Dec 2025 10:00:00 +0000\n\nthe original\n';
    const m = await parseEmail(mail(`From: a@example.test\nSubject: fw\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee below\n--b\nContent-Type: message/rfc822\nContent-Disposition: inline\n\n${fwd}--b\nContent-Type: message/rfc822\n\n${fwd.replace('M=C3=BCnchen', 'Berlin')}--b--\n`), inbox);
    expect(m.attachments!.map((a) => [a.filename, a.contentType]).sort()).toEqual([['Bestellung Berlin.eml', 'message/rfc822'], ['Bestellung München.eml', 'message/rfc822']]);
    for (const a of m.attachments!) expect(a.content.toString()).toMatch(/^From: Kim <kim@example.test>\r?\nSubject: /);
    expect(m.fullText ?? m.text).toContain('the original');
  });
});

describe('parseEmail: author', () => {
  it('names a sender without a display name by the local part, and keeps a display name as sent', async () => {
    expect((await parseEmail(mail('From: maria.lopez@example.test\nSubject: a\n\nx\n'), inbox)).author).toMatchObject({ value: 'maria.lopez@example.test', name: 'maria.lopez', displayName: null });
    expect((await parseEmail(mail('From: "Maria L." <maria.lopez@example.test>\nSubject: a\n\nx\n'), inbox)).author).toMatchObject({ name: 'Maria L.', displayName: 'Maria L.' });
  });

  it('falls back to Sender, Reply-To, then the envelope, and says which', async () => {
    const noFrom = await parseEmail(mail('Sender: Office <office@example.test>\nReply-To: r@example.test\nSubject: a\n\nx\n'), inbox);
    expect(noFrom.author).toMatchObject({ value: 'office@example.test', name: 'Office' });
    expect(noFrom.flags).toMatchObject({ authorSource: { source: 'sender', reason: 'the mail has no From header' } });
    expect(noFrom.noise).toBeUndefined();

    const empty = await parseEmail(mail('From: "Pat" <>\nReply-To: pat@example.test\nSubject: a\n\nx\n'), inbox);
    expect(empty.author).toMatchObject({ value: 'pat@example.test', name: 'Pat' });
    expect(empty.flags).toMatchObject({ authorSource: { source: 'reply-to' } });

    const two = await parseEmail(mail('X-Chorus-Envelope-From: <bounce-77@shop.example>\nFrom: a@one.test\nFrom: b@two.test\nSubject: a\n\nx\n'), inbox);
    expect(two.author.value).toBe('bounce-77@shop.example');
    expect(two.flags).toMatchObject({ authorSource: { source: 'envelope', reason: 'the mail has 2 From headers' } });
    expect(two.noise).toBeUndefined();

    // No address anywhere: an identity of its own, never one contact shared by strangers.
    const [x, y] = await Promise.all(['one', 'two'].map((b) => parseEmail(mail(`Subject: who?\n\n${b}\n`), inbox)));
    expect(x.author.value).toMatch(/^unknown-sender-[0-9a-f]{16}@invalid$/);
    expect(x.author.value).not.toBe(y.author.value);
    expect(x.flags).toMatchObject({ authorSource: { source: 'none' } });
  });

  it('opens a normal message for a noreply sender without automatic headers, flagged for the composer', async () => {
    const m = await parseEmail(mail('From: Shop <noreply@shop.example>\nSubject: Order 1042 from Kim\n\nKim ordered 2 items and asks about delivery.\n'), inbox);
    expect(m.noise).toBeUndefined();
    expect(m.flags).toEqual({ noReplySender: 'noreply@shop.example' });
    const auto = await parseEmail(mail('From: Shop <noreply@shop.example>\nAuto-Submitted: auto-generated\nSubject: Your password\n\nx\n'), inbox);
    expect(auto.noise).toMatchObject({ autoReply: true, reason: 'Auto-Submitted: auto-generated' });
  });
});
