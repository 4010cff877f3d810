import type { ListeningStream } from '../../db/entities';
import type { ListenedPost } from '../../db/repositories/listening-item.repository';

// One poll of one stream: the posts found since the stream's cursor and the cursor to keep.
export interface PollResult {
  posts: ListenedPost[];
  cursor: string | null;
  // The platform asked us to wait (Retry-After, or its rate-limit window ran out): not before this.
  notBefore?: number;
}

export type Poller = (stream: ListeningStream, now: number) => Promise<PollResult>;

// A platform said no: the words an admin reads on the stream, and when to try again.
export class PollRefused extends Error {
  constructor(message: string, readonly notBefore?: number) {
    super(message);
  }
}
