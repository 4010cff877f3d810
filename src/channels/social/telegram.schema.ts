import { z } from 'zod';

// Telegram Bot API Update, as far as Chorus reads it.
const chatId = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]);
export const tgUser = z.looseObject({ id: chatId, is_bot: z.boolean().optional(), first_name: z.string().optional(), last_name: z.string().optional(), username: z.string().optional() });
export const tgChat = z.looseObject({ id: chatId, type: z.string(), title: z.string().optional(), first_name: z.string().optional(), username: z.string().optional() });
const fileRef = z.looseObject({ file_id: z.string().min(1), file_name: z.string().optional(), mime_type: z.string().optional() });

export const tgMessage = z.looseObject({
  message_id: z.number().int(),
  date: z.unknown().optional(),
  chat: tgChat,
  from: tgUser.optional(),
  sender_chat: tgChat.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  message_thread_id: z.number().int().optional(),
  reply_to_message: z.looseObject({ message_id: z.number().int() }).optional(),
  photo: z.array(fileRef).optional(),
  document: fileRef.optional(), video: fileRef.optional(), voice: fileRef.optional(), audio: fileRef.optional(), animation: fileRef.optional(),
  sticker: z.looseObject({ file_id: z.string().optional(), emoji: z.string().optional() }).optional(),
  new_chat_members: z.array(tgUser).optional(),
  left_chat_member: tgUser.optional(),
  pinned_message: z.looseObject({ message_id: z.number().int() }).optional(),
  new_chat_title: z.string().optional(),
});
export type TgMessage = z.infer<typeof tgMessage>;

const reactionType = z.looseObject({ type: z.string(), emoji: z.string().optional(), custom_emoji_id: z.string().optional() });
export const tgReaction = z.looseObject({
  chat: tgChat, message_id: z.number().int(), user: tgUser.optional(), actor_chat: tgChat.optional(), date: z.unknown().optional(),
  old_reaction: z.array(reactionType), new_reaction: z.array(reactionType),
});

const member = z.looseObject({ status: z.string(), user: tgUser });
export const tgMemberUpdate = z.looseObject({ chat: tgChat, from: tgUser, date: z.unknown().optional(), old_chat_member: member, new_chat_member: member });

export const tgUpdate = z.looseObject({ update_id: z.number().int() });
