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
});

export type ImapSettings = z.infer<typeof imapSettingsSchema>;
