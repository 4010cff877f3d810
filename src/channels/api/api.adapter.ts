import type { ChannelAdapter, InboundMessage } from '../inbound-message';
import { htmlToText, sanitize } from '../../content/sanitize';
import type { Inbox } from '../../db/entities';
import { apiMessageSchema } from './api-message.schema';

export const API_RAW_TYPE = 'api.message.v1';

// The API channel: any outside system posts JSON messages, signed with the inbox's secret.
export function parseApiMessage(raw: string, inbox: Inbox): InboundMessage {
  const b = apiMessageSchema.parse(JSON.parse(raw));
  const html = b.html ? sanitize(b.html) : null;
  const text = b.text?.trim() || (html ? htmlToText(html) : '') || '(attachment)';
  return {
    channel: 'api',
    externalId: b.externalId,
    threadKey: b.threadKey ?? null,
    author: b.author.email
      ? { kind: 'email', value: b.author.email, name: b.author.name, handle: b.author.handle, followers: b.author.followers }
      : { kind: 'api', value: `${inbox.id}:${b.author.id}`, name: b.author.name, handle: b.author.handle, followers: b.author.followers },
    subject: b.subject ?? null,
    text,
    html,
    attachments: (b.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') })),
    audienceHint: b.audience,
    receivedAt: b.sentAt ? Date.parse(b.sentAt) : undefined,
  };
}

export const apiAdapter: ChannelAdapter = {
  channels: ['api'],
  parsers: { [API_RAW_TYPE]: parseApiMessage },
};
