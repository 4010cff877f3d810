import { renderMarkdown } from '../../content/markdown';
import type { ChannelAdapter, InboundMessage } from '../inbound-message';
import { WEBFORM_RAW_TYPE, webformSubmissionSchema } from './webform-settings.schema';

export function parseWebformSubmission(raw: string): InboundMessage {
  const b = webformSubmissionSchema.parse(JSON.parse(raw));
  const extra = b.custom.filter((c) => c.value.trim()).map((c) => `${c.label}: ${c.value}`);
  const text = extra.length ? `${b.message.trim()}\n\n${extra.join('\n')}` : b.message.trim();
  const firstLine = b.message.trim().split('\n')[0].slice(0, 80);
  return {
    channel: 'webform',
    externalId: b.submissionId,
    author: { kind: 'email', value: b.email.toLowerCase(), name: b.name || null },
    verified: b.verified,
    subject: b.subject.trim() || firstLine,
    text,
    html: b.markdown ? renderMarkdown(text) : null,
    attachments: b.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') })),
    audienceHint: b.visibility,
    receivedAt: b.submittedAt,
  };
}

export const webformAdapter: ChannelAdapter = {
  channels: ['webform'],
  parsers: { [WEBFORM_RAW_TYPE]: parseWebformSubmission },
};
