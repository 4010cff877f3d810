import { z } from 'zod';

// X Account Activity API events, as far as Chorus reads them.
const id = z.union([z.string().min(1), z.number()]).transform(String);

export const xTweet = z.looseObject({
  id_str: z.string().optional(), id: z.union([z.string(), z.number()]).optional(),
  text: z.string().optional(), full_text: z.string().optional(), extended_tweet: z.looseObject({ full_text: z.string().optional() }).optional(),
  in_reply_to_status_id_str: z.string().nullable().optional(), in_reply_to_status_id: z.union([z.string(), z.number()]).nullable().optional(),
  created_at: z.unknown().optional(), timestamp_ms: z.unknown().optional(),
  user: z.looseObject({ id_str: z.string().optional(), id: z.union([z.string(), z.number()]).optional(), screen_name: z.string(), name: z.string().optional(), followers_count: z.number().optional() })
    .refine((u) => u.id_str ?? u.id, 'user has no id'),
}).refine((t) => t.id_str ?? t.id, 'tweet has no id');
export type XTweet = z.infer<typeof xTweet>;

const media = z.looseObject({
  id_str: z.string().optional(), type: z.string().optional(), media_url_https: z.string().optional(),
  video_info: z.looseObject({ variants: z.array(z.looseObject({ url: z.string(), content_type: z.string().optional(), bitrate: z.number().optional() })).optional() }).optional(),
});

export const xDmEvent = z.looseObject({
  type: z.string(),
  id: id,
  created_timestamp: z.unknown().optional(),
  message_create: z.looseObject({
    sender_id: id,
    target: z.looseObject({ recipient_id: id.optional() }).optional(),
    message_data: z.looseObject({ text: z.string().optional(), attachment: z.looseObject({ type: z.string().optional(), media: media.optional() }).optional() }),
  }).optional(),
});
export type XDmEvent = z.infer<typeof xDmEvent>;

export const xTweetDelete = z.looseObject({ status: z.looseObject({ id: id, user_id: id }), timestamp_ms: z.unknown().optional() });

export const xEnvelope = z.looseObject({
  for_user_id: id.optional(),
  tweet_create_events: z.array(z.unknown()).optional(),
  direct_message_events: z.array(z.unknown()).optional(),
  tweet_delete_events: z.array(z.unknown()).optional(),
  users: z.record(z.string(), z.unknown()).optional(),
});
