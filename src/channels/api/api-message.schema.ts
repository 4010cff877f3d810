import { z } from 'zod';

export const apiAttachmentSchema = z.object({
  filename: z.string().min(1).max(255),
  contentType: z.string().min(3).max(255).default('application/octet-stream'),
  contentBase64: z.string().min(1).describe('The file, base64-encoded'),
});

// What an outside system posts to an API-channel inbox.
export const apiMessageSchema = z
  .object({
    externalId: z.string().min(1).max(255).describe('Your id for this message; posting it again changes nothing'),
    threadKey: z.string().min(1).max(255).optional().describe('Your conversation id; messages with the same key join one ticket'),
    author: z.object({
      id: z.string().min(1).max(255).describe('Your id for the person'),
      name: z.string().max(200).optional(),
      email: z.email().optional().describe('Links the person to the same contact as their e-mail'),
      handle: z.string().max(200).optional(),
      followers: z.number().int().min(0).optional(),
    }),
    subject: z.string().max(250).optional(),
    text: z.string().max(200_000).optional(),
    html: z.string().max(1_000_000).optional(),
    audience: z.enum(['public', 'private']).default('private').describe('public: a post anyone may read; private: a direct message'),
    attachments: z.array(apiAttachmentSchema).max(20).optional(),
    sentAt: z.iso.datetime().optional(),
  })
  .refine((b) => (b.text && b.text.trim()) || (b.html && b.html.trim()) || b.attachments?.length, {
    message: 'Give text, html or at least one attachment',
    path: ['text'],
  });

export type ApiMessage = z.infer<typeof apiMessageSchema>;

export const apiInboxSettingsSchema = z.object({
  callbackUrl: z.url().optional().describe('Agent replies are POSTed here, signed like inbound messages'),
});
