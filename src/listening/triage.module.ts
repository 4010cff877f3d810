import { listeningItemRepository } from '../db/repositories/listening-item.repository';
import type { ChorusModule } from '../module';
import { scoreSentiment } from './sentiment';

// Scores each newly stored post (English only) after the poller's commit, whichever node stored it.
export const listeningTriageModule: ChorusModule = {
  name: 'listening-triage',
  register(s) {
    s.bus.on('listening.item.created', async (e) => {
      const item = await listeningItemRepository.findById(s.db.m, e.itemId);
      if (!item || item.sentiment !== null) return;
      const score = scoreSentiment(item.text, item.language);
      if (score === null) return;
      await s.db.write((m) => listeningItemRepository.setSentiment(m, item.id, score));
      s.bus.publish([{ name: 'listening.item.updated', payload: { itemId: item.id, changes: ['sentiment'] } }]);
    });
  },
};
