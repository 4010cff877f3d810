import type { Request } from 'express';
import type { Inbox } from '../../db/entities';
import type { Services } from '../../services';
import type { ParseResult, RawItem } from '../inbound-message';

// One platform's inbound side: how to check a webhook, split it into items, and read one item.
export interface SocialPlatform {
  name: 'meta' | 'whatsapp' | 'telegram' | 'x';
  // Inbox channel kinds this webhook serves.
  channels: string[];
  rawType: string;
  verify(inbox: Inbox, req: Request, raw: Buffer): boolean;
  // GET handshake answer (hub.challenge, crc_token), or undefined when the platform has none.
  handshake?(inbox: Inbox, query: Record<string, unknown>): { status: number; body: unknown; type?: string };
  // Every event of the body becomes an item: a message, an action, one to ignore with its
  // reason, or a malformed one (see social-items.ts). Nothing is dropped here.
  split(body: unknown, inbox: Inbox): RawItem[];
  parse(raw: string, inbox: Inbox): Promise<ParseResult> | ParseResult;
  // Side effects that are not messages (delivery receipts), applied after the signature check.
  receipts?(body: any, s: Services, inbox: Inbox): Promise<void>;
}

export const htmlToPlain = (html: string) =>
  html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/p>\s*<p>/gi, '\n\n').replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").trim();
