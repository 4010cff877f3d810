import { EntityManager } from 'typeorm';
import { ImapSyncState } from '../entities/imap-sync-state.entity';

export const imapSyncStateRepository = {
  async find(m: EntityManager, inboxId: number, mailbox: string): Promise<ImapSyncState | null> {
    return m.getRepository(ImapSyncState).findOneBy({ inboxId, mailbox });
  },
  async save(m: EntityManager, s: ImapSyncState): Promise<void> {
    const repo = m.getRepository(ImapSyncState);
    if (await repo.existsBy({ inboxId: s.inboxId, mailbox: s.mailbox })) {
      await repo.update({ inboxId: s.inboxId, mailbox: s.mailbox }, { uidValidity: s.uidValidity, lastUid: s.lastUid, updatedAt: s.updatedAt });
    } else {
      await repo.insert(s);
    }
  },
};
