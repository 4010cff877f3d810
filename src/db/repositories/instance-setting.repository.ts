import type { EntityManager } from 'typeorm';
import { InstanceSetting } from '../entities';

export const instanceSettingRepository = {
  async get(m: EntityManager, key: string): Promise<InstanceSetting | null> {
    return m.getRepository(InstanceSetting).findOneBy({ key });
  },
  // Insert or replace: the last admin to save wins, as on any settings page.
  async put(m: EntityManager, key: string, value: unknown, updatedBy: number | null, now: number): Promise<void> {
    await m.getRepository(InstanceSetting).upsert({ key, value: value as object, updatedBy, updatedAt: now }, ['key']);
  },
};
