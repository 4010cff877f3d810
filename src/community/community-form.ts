import type { Inbox } from '../db/entities';

// The community's ask form is a web-form inbox of its own, found by this slug (made on first use).
export const COMMUNITY_FORM_SLUG = 'community';

export function isCommunityForm(inbox: Pick<Inbox, 'channel' | 'settings'>): boolean {
  return inbox.channel === 'webform' && (inbox.settings as { slug?: unknown } | null)?.slug === COMMUNITY_FORM_SLUG;
}
