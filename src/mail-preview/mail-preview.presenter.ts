import { simpleParser } from 'mailparser';
import type { MailPreview } from '../db/entities';

export interface PreviewPage {
  id: number;
  subject: string;
  headers: { name: string; value: string }[];
  text: string | null;
  hasHtml: boolean;
  attachments: { filename: string; contentType: string; size: number }[];
  createdAt: string;
}

// The kept message read back as a mail client would: every header line as sent, the text part,
// and whether there is an HTML part (shown only in a sandboxed frame, see the routes).
export async function presentPreview(p: MailPreview): Promise<PreviewPage & { html: string | null }> {
  const parsed = await simpleParser(Buffer.from(p.raw, 'latin1'));
  const headers = parsed.headerLines.map(({ line }) => {
    const at = line.indexOf(':');
    return { name: line.slice(0, at), value: line.slice(at + 1).replace(/\r?\n[ \t]+/g, ' ').trim() };
  });
  return {
    id: p.id, subject: p.subject, headers, text: parsed.text ?? null, html: typeof parsed.html === 'string' ? parsed.html : null,
    hasHtml: typeof parsed.html === 'string' && parsed.html.length > 0,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? '(unnamed)', contentType: a.contentType, size: a.size })),
    createdAt: new Date(p.createdAt).toISOString(),
  };
}
