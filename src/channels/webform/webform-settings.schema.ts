import { z } from 'zod';

export const customFieldSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lowercase letters, digits and _'),
  label: z.string().min(1).max(100),
  type: z.enum(['text', 'textarea', 'select']).default('text'),
  required: z.boolean().default(false),
  options: z.array(z.string().min(1).max(100)).max(50).optional(),
});

// A web-form inbox: where it lives (slug), what it asks, what it accepts, who may post it from script.
export const webformSettingsSchema = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and -'),
  title: z.string().max(120).default('Contact support'),
  intro: z.string().max(1000).optional(),
  askSubject: z.boolean().default(true),
  customFields: z.array(customFieldSchema).max(20).default([]),
  attachments: z
    .object({
      maxFiles: z.number().int().min(0).max(10).default(3),
      maxBytes: z.number().int().min(1).max(25 * 1024 * 1024).default(5 * 1024 * 1024),
      allowedTypes: z.array(z.string().min(3).max(100)).default(['image/png', 'image/jpeg', 'image/gif', 'application/pdf', 'text/plain']),
    })
    .default({ maxFiles: 3, maxBytes: 5 * 1024 * 1024, allowedTypes: ['image/png', 'image/jpeg', 'image/gif', 'application/pdf', 'text/plain'] }),
  // Origins allowed to post the JSON endpoint from a browser (exact match, e.g. https://shop.example).
  corsOrigins: z.array(z.string().regex(/^https?:\/\/[^/]+$/, 'an origin like https://example.com')).default([]),
  // Bots submit instantly; people take a few seconds.
  minFillSeconds: z.number().int().min(0).max(600).default(3),
  submissionsPerHourPerIp: z.number().int().min(1).max(10_000).default(10),
});

export type WebformSettings = z.infer<typeof webformSettingsSchema>;
export type CustomField = z.infer<typeof customFieldSchema>;

export const WEBFORM_RAW_TYPE = 'webform.submission.v1';

// What the ledger keeps for one submission: everything needed to replay it, files included.
export const webformSubmissionSchema = z.object({
  submissionId: z.string().min(8).max(100),
  name: z.string().max(200).default(''),
  email: z.email(),
  subject: z.string().max(250).default(''),
  message: z.string().min(1).max(50_000),
  custom: z.array(z.object({ name: z.string(), label: z.string(), value: z.string().max(2000) })).default([]),
  attachments: z.array(z.object({ filename: z.string().min(1).max(255), contentType: z.string().min(3).max(255), contentBase64: z.string() })).default([]),
  submittedAt: z.number().int(),
  // Community questions are public unless the asker chose otherwise; forms are always private.
  visibility: z.enum(['public', 'private']).default('private'),
  // Community posts are written in markdown; form messages are plain text.
  markdown: z.boolean().default(false),
  // The e-mail is one the signed-in customer proved (magic link). Anyone can type anyone's
  // address into a form: without this the submission only ever opens a ticket of its own.
  verified: z.boolean().default(false),
});

export type WebformSubmission = z.infer<typeof webformSubmissionSchema>;
