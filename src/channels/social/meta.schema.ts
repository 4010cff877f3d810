import { z } from 'zod';

// Meta's Messenger / Instagram webhook, as far as Chorus reads it. Ids arrive as strings or
// numbers depending on the client that produced them; times are checked later (platform-time).
export const metaId = z.union([z.string().min(1), z.number()]).transform(String);

const attachment = z.looseObject({
  type: z.string(),
  payload: z.looseObject({ url: z.string().optional(), title: z.string().nullable().optional(), sticker_id: z.unknown().optional() }).nullable().optional(),
});

export const metaMessagingEvent = z.looseObject({
  sender: z.looseObject({ id: metaId.optional(), user_ref: metaId.optional() }).refine((s) => s.id || s.user_ref, 'sender has neither id nor user_ref'),
  recipient: z.looseObject({ id: metaId.optional() }).optional(),
  timestamp: z.unknown().optional(),
  message: z.looseObject({
    mid: metaId,
    text: z.string().optional(),
    is_echo: z.boolean().optional(),
    is_deleted: z.boolean().optional(),
    quick_reply: z.looseObject({ payload: z.string() }).optional(),
    reply_to: z.looseObject({ mid: metaId.optional(), story: z.looseObject({ url: z.string().optional(), id: metaId.optional() }).optional() }).optional(),
    attachments: z.array(attachment).optional(),
    referral: z.unknown().optional(),
  }).optional(),
  postback: z.looseObject({ mid: metaId.optional(), title: z.string().optional(), payload: z.string().optional() }).optional(),
  reaction: z.looseObject({ mid: metaId, action: z.enum(['react', 'unreact']), emoji: z.string().optional(), reaction: z.string().optional() }).optional(),
});
export type MetaMessagingEvent = z.infer<typeof metaMessagingEvent>;

export const metaChange = z.looseObject({
  field: z.string().min(1),
  value: z.looseObject({
    id: metaId.optional(), comment_id: metaId.optional(), media_id: metaId.optional(), post_id: metaId.optional(), parent_id: metaId.optional(),
    text: z.string().optional(), message: z.string().optional(), item: z.string().optional(), verb: z.string().optional(),
    reaction_type: z.string().optional(), created_time: z.unknown().optional(),
    from: z.looseObject({ id: metaId.optional(), username: z.string().optional(), name: z.string().optional() }).optional(),
    media: z.looseObject({ id: metaId.optional(), media_product_type: z.string().optional() }).optional(),
  }),
});
export type MetaChange = z.infer<typeof metaChange>;

export const metaEnvelope = z.looseObject({
  object: z.string().min(1),
  entry: z.array(z.looseObject({
    id: metaId,
    time: z.unknown().optional(),
    messaging: z.array(z.unknown()).optional(),
    standby: z.array(z.unknown()).optional(),
    changes: z.array(z.unknown()).optional(),
  })),
});
