import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

// A real SMTP server standing in for the outgoing relay; it keeps every mail it accepts, parsed
// (`mails`) and as the bytes that crossed the wire (`raws`, same order). `refuse(true)` makes it
// answer 550 to each mail until `refuse(false)`, as a relay rejecting a recipient does.
export async function captureSmtp() {
  const mails: ParsedMail[] = [];
  const raws: Buffer[] = [];
  let refusing = false;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', async () => {
        if (refusing) return cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        const raw = Buffer.concat(chunks);
        const parsed = await simpleParser(raw);
        raws.push(raw);
        mails.push(parsed);
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    mails, raws, port: (server.server.address() as { port: number }).port,
    refuse: (on: boolean) => { refusing = on; },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
