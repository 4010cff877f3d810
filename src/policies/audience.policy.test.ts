import { audiencesFor, canSeeMessage, visibleMessages } from './audience.policy';
import type { Viewer } from './viewer';

const agent: Viewer = { kind: 'agent', agentId: 1, role: 'agent', name: 'A' };
const requester: Viewer = { kind: 'contact', contactId: 10, name: 'R' };
const stranger: Viewer = { kind: 'contact', contactId: 99, name: 'S' };
const anon: Viewer = { kind: 'anonymous' };
const pub = { ticket: { id: 1, visibility: 'public' as const, requesterId: 10 }, isParticipant: false };
const priv = { ticket: { id: 2, visibility: 'private' as const, requesterId: 10 }, isParticipant: false };
const msg = (audience: 'public' | 'participants' | 'staff', hidden = false, authorContactId: number | null = null) => ({ audience, hidden, authorContactId });

describe('the audience rule', () => {
  it('follows the table of DESIGN §3', () => {
    expect(audiencesFor(anon, pub)).toEqual(['public']);
    expect(audiencesFor(anon, priv)).toEqual([]);
    expect(audiencesFor(stranger, pub)).toEqual(['public']);
    expect(audiencesFor(stranger, priv)).toEqual([]);
    expect(audiencesFor(requester, priv)).toEqual(['public', 'participants']);
    expect(audiencesFor(stranger, { ...priv, isParticipant: true })).toEqual(['public', 'participants']);
    expect(audiencesFor(agent, priv)).toEqual(['public', 'participants', 'staff']);
  });

  it('never shows a staff note to anyone but agents', () => {
    for (const v of [anon, requester, stranger]) for (const f of [pub, priv]) expect(canSeeMessage(v, f, msg('staff'))).toBe(false);
    expect(canSeeMessage(agent, priv, msg('staff'))).toBe(true);
  });

  it('shows hidden (moderated) posts only to agents and their author', () => {
    expect(canSeeMessage(anon, pub, msg('public', true, 99))).toBe(false);
    expect(canSeeMessage(stranger, pub, msg('public', true, 99))).toBe(true);
    expect(canSeeMessage(requester, pub, msg('public', true, 99))).toBe(false);
    expect(visibleMessages(agent, pub, [msg('public', true), msg('staff')])).toHaveLength(2);
  });
});
