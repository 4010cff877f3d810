import type { Message } from '../../db/entities';
import { visibleReactions } from './message.presenter';

const msg = (audience: Message['audience'], reactions: unknown[]) => ({ audience, flags: { reactions } }) as unknown as Message;
const pub = { by: 'telegram:1', name: 'Piotr', emoji: '👍', at: 1, audience: 'public' };
const priv = { by: 'instagram:2', name: 'Ines', emoji: '❤️', at: 2, audience: 'participants' };

describe('reactions on a message', () => {
  it('a reaction made in private never shows on a public message to anyone but agents', () => {
    expect(visibleReactions({ kind: 'anonymous' }, msg('public', [pub, priv]))).toEqual([{ name: 'Piotr', emoji: '👍' }]);
    expect(visibleReactions({ kind: 'contact', contactId: 9, name: 'x' }, msg('public', [pub, priv]))).toEqual([{ name: 'Piotr', emoji: '👍' }]);
    expect(visibleReactions({ kind: 'agent', agentId: 1, role: 'agent', name: 'a' } as never, msg('public', [pub, priv]))).toHaveLength(2);
  });
  it('on a private message, whoever may read the message sees its reactions', () => {
    expect(visibleReactions({ kind: 'contact', contactId: 9, name: 'x' }, msg('participants', [priv]))).toEqual([{ name: 'Ines', emoji: '❤️' }]);
  });
});
