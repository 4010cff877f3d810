import type { SlaPolicy } from '../../db/entities';
import { firstMatchingPolicy, policyMatches } from './policy-match';

const policy = (id: number, conditions: SlaPolicy['conditions'], enabled = true) => ({ id, name: `p${id}`, position: id, enabled, conditions } as SlaPolicy);
const facts = (over: Partial<{ inboxId: number; channel: string; priority: any; visibility: any; tags: string[]; reach: number | null }> = {}) => ({
  ticket: { inboxId: over.inboxId ?? 1, channel: over.channel ?? 'email', priority: over.priority ?? 'normal', visibility: over.visibility ?? 'private' },
  tags: over.tags ?? [], reach: over.reach === undefined ? null : over.reach,
});

describe('SLA policy conditions', () => {
  const cases: Array<[string, SlaPolicy['conditions'], ReturnType<typeof facts>, boolean]> = [
    ['no conditions match everything', {}, facts(), true],
    ['inbox in the list', { inboxIds: [1, 2] }, facts({ inboxId: 2 }), true],
    ['inbox not in the list', { inboxIds: [1] }, facts({ inboxId: 3 }), false],
    ['channel', { channels: ['x', 'mastodon'] }, facts({ channel: 'x' }), true],
    ['other channel', { channels: ['x'] }, facts({ channel: 'email' }), false],
    ['priority', { priorities: ['high', 'urgent'] }, facts({ priority: 'urgent' }), true],
    ['lower priority', { priorities: ['high', 'urgent'] }, facts({ priority: 'normal' }), false],
    ['any of the tags', { tags: ['vip', 'enterprise'] }, facts({ tags: ['billing', 'vip'] }), true],
    ['none of the tags', { tags: ['vip'] }, facts({ tags: ['billing'] }), false],
    ['reach at the bound', { minReach: 1000 }, facts({ reach: 1000 }), true],
    ['reach below', { minReach: 1000 }, facts({ reach: 999 }), false],
    ['unknown reach counts as none', { minReach: 1 }, facts({ reach: null }), false],
    ['visibility', { visibility: 'public' }, facts({ visibility: 'public' }), true],
    ['other visibility', { visibility: 'public' }, facts({ visibility: 'private' }), false],
    ['all conditions must hold', { channels: ['x'], minReach: 10 }, facts({ channel: 'x', reach: 5 }), false],
  ];
  it.each(cases)('%s', (_n, c, f, expected) => expect(policyMatches(policy(1, c), f)).toBe(expected));

  it('the first enabled matching policy in order wins', () => {
    const list = [policy(1, { tags: ['vip'] }, false), policy(2, { minReach: 100 }), policy(3, {})];
    expect(firstMatchingPolicy(list, facts({ tags: ['vip'], reach: 500 }))?.id).toBe(2);
    expect(firstMatchingPolicy(list, facts({ tags: ['vip'] }))?.id).toBe(3);
    expect(firstMatchingPolicy([], facts())).toBeNull();
  });
});
