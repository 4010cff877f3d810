import type { EntityManager } from 'typeorm';
import type { InboundAttachment } from '../../channels/inbound-message';
import type { Attachment } from '../../db/entities';
import { blobRepository } from '../../db/repositories/blob.repository';
import { messageRepository } from '../../db/repositories/message.repository';

// A new message's files: each one's bytes stored once by content, its attachment row written;
// returns the rows as written (the hash chain seals the message from them, see handOver).
export async function storeAttachments(m: EntityManager, messageId: number, files: InboundAttachment[], now: number): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const f of files) {
    const sha256 = await blobRepository.put(m, f.content);
    const row: Omit<Attachment, 'id'> = {
      messageId, filename: f.filename, contentType: f.contentType, size: f.content.length, sha256, contentId: f.contentId ?? null, inline: !!f.inline, createdAt: now,
    };
    out.push({ ...row, id: await messageRepository.insertAttachment(m, row) });
  }
  return out;
}
