import { z } from 'zod';

export const imapSettingsSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(993),
  secure: z.boolean().default(true),
  user: z.string().min(1),
  pass: z.string().min(1),
  mailbox: z.string().min(1).default('INBOX'),
  pollSeconds: z.number().int().min(5).max(86_400).default(60),
  // Mail stays on the server unless the inbox is told otherwise.
  deleteAfterImport: z.boolean().default(false),
  // Connecting, the greeting, each command, and a poll without progress give up after this.
  timeoutSeconds: z.number().int().min(1).max(600).default(60),
  // Keep the mailbox open in IDLE where the server offers it: new mail is fetched at once.
  idle: z.boolean().default(true),
});

export type ImapSettings = z.infer<typeof imapSettingsSchema>;
