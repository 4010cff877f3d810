import type { EntityManager } from 'typeorm';
import { inboxRepository } from '../db/repositories/inbox.repository';
import { isCommunityForm } from '../community/community-form';

// Channel marks drawn as inline SVG (24×24, currentColor on the channel's tile colour): no icon
// font, no emoji that turns into an empty box on a machine without an emoji font, no letters.
const PATHS: Record<string, string> = {
  // An envelope.
  email: '<rect x="3" y="5.5" width="18" height="13" rx="2" fill="none" stroke="currentColor" stroke-width="2"/><path d="M4 7l8 6 8-6" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>',
  // A form: a sheet with two fields and a button.
  webform: '<rect x="4" y="3" width="16" height="18" rx="2" fill="none" stroke="currentColor" stroke-width="2"/><path d="M8 8h8M8 12h8" stroke="currentColor" stroke-width="2" stroke-linecap="round"/><rect x="8" y="15" width="5" height="2.5" rx="1" fill="currentColor"/>',
  // Braces.
  api: '<path d="M9 4c-2 0-3 1-3 3v2c0 1.5-1 2.5-2.5 3C5 12.5 6 13.5 6 15v2c0 2 1 3 3 3M15 4c2 0 3 1 3 3v2c0 1.5 1 2.5 2.5 3-1.5.5-2.5 1.5-2.5 3v2c0 2-1 3-3 3" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>',
  // A speech bubble with a lightning zigzag.
  messenger: '<path d="M12 3C7 3 3 6.6 3 11.2c0 2.5 1.2 4.7 3.2 6.2V21l3-1.7c.9.3 1.8.4 2.8.4 5 0 9-3.6 9-8.3S17 3 12 3z" fill="currentColor"/><path d="M7 13.5l3.5-3.7 2.2 2 3.8-3.8-3.5 3.7-2.2-2z" fill="none" stroke="#0866ff" stroke-width="1.6" stroke-linejoin="round"/>',
  // A camera outline: rounded square, lens, flash dot.
  instagram: '<rect x="3.5" y="3.5" width="17" height="17" rx="5" fill="none" stroke="currentColor" stroke-width="2"/><circle cx="12" cy="12" r="4" fill="none" stroke="currentColor" stroke-width="2"/><circle cx="17.2" cy="6.8" r="1.3" fill="currentColor"/>',
  // A round bubble with a tail and a handset.
  whatsapp: '<path d="M12 3.5a8.5 8.5 0 0 0-7.3 12.8L3.5 20.5l4.3-1.1A8.5 8.5 0 1 0 12 3.5z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/><path d="M9 8.5c.3-.5.8-.5 1 0l.7 1.6c.1.3 0 .6-.2.8l-.5.5c.5 1 1.4 1.9 2.5 2.5l.5-.5c.2-.2.5-.3.8-.2l1.6.7c.5.2.5.7 0 1-.6.6-1.5.9-2.3.6-2.2-.8-3.9-2.5-4.7-4.7-.3-.8 0-1.7.6-2.3z" fill="currentColor"/>',
  // A paper plane.
  telegram: '<path d="M3 11.3l16.5-6.6c.8-.3 1.5.4 1.3 1.2l-2.8 13c-.2.9-1.2 1.2-1.9.7l-4.3-3.2-2.2 2.1c-.3.3-.8.1-.8-.3v-3.3l7.4-6.9-9.2 5.6-3.8-1.2c-.9-.3-.9-1.5-.2-1.1z" fill="currentColor"/>',
  // Two crossing strokes, one thin, one bold.
  x: '<path d="M4 4h4.5l11.5 16h-4.5z" fill="currentColor"/><path d="M19.5 4L13.7 10.6M4.5 20l5.8-6.6" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>',
  // A rounded speech tile with an "m" of two arches.
  mastodon: '<path d="M20 8.5c0-3.3-2.2-4.3-2.2-4.3C16.7 3.7 14.8 3.5 12.9 3.5h-.1c-2 0-3.8.2-4.9.7 0 0-2.2 1-2.2 4.3 0 3.9-.2 8.5 3.6 9.5 1.4.4 2.6.4 3.6.4 1.8-.1 2.8-.6 2.8-.6l-.1-1.3s-1.3.4-2.7.4c-1.4-.1-2.9-.2-3.2-1.9a3.6 3.6 0 0 1 0-.5c2.9.7 5.4.3 6.1.2 1.9-.2 3.6-1.4 3.8-2.5.3-1.7.3-4.2.3-4.2z" fill="currentColor"/><path d="M8.8 13V9.6c0-1 .6-1.6 1.5-1.6s1.5.6 1.5 1.6v2M11.8 11.6v-2c0-1 .6-1.6 1.5-1.6s1.5.6 1.5 1.6V13" fill="none" stroke="#6364ff" stroke-width="1.5" stroke-linecap="round"/>',
  // A butterfly: two wings each side of a thin body.
  bluesky: '<path d="M12 11C10.5 8 7.2 4.5 4.5 4.5 3.2 4.5 3 5.8 3 6.6c0 .8.4 4.4.7 5 .9 2 3.2 2.3 5.3 2-3.4.6-4.8 2.4-2.8 4.4 2.5 2.6 4.6-.4 5.8-3.3 1.2 2.9 3.3 5.9 5.8 3.3 2-2 .6-3.8-2.8-4.4 2.1.3 4.4 0 5.3-2 .3-.6.7-4.2.7-5 0-.8-.2-2.1-1.5-2.1C16.8 4.5 13.5 8 12 11z" fill="currentColor"/>',
  // Three people: one in front, two behind.
  community: '<circle cx="12" cy="8" r="3" fill="currentColor"/><path d="M6.5 19c0-3 2.5-5 5.5-5s5.5 2 5.5 5z" fill="currentColor"/><circle cx="5.5" cy="9.5" r="2.2" fill="currentColor" opacity=".75"/><circle cx="18.5" cy="9.5" r="2.2" fill="currentColor" opacity=".75"/><path d="M1.8 17.5c0-2.2 1.6-3.7 3.7-3.7 1 0 1.9.3 2.6.9-1.1 1-1.7 2.3-1.9 2.8zM22.2 17.5c0-2.2-1.6-3.7-3.7-3.7-1 0-1.9.3-2.6.9 1.1 1 1.7 2.3 1.9 2.8z" fill="currentColor" opacity=".75"/>',
};
// Any other channel: a generic chat bubble.
const FALLBACK = '<path d="M4 5h16v11H9l-5 4z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>';

export const CHANNEL_ICON_KINDS = Object.keys(PATHS);

// The mark alone (aria-hidden: the tile around it carries the channel's name as its title).
export function channelSvg(channel: string): string {
  return `<svg class="ch-svg" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">${PATHS[channel] ?? FALLBACK}</svg>`;
}

// A community question arrives through the community's own web-form inbox; the agent app calls
// it what it is.
export function displayChannel(channel: string, inboxId: number | null | undefined, communityInboxId: number | null): string {
  return channel === 'webform' && communityInboxId !== null && inboxId === communityInboxId ? 'community' : channel;
}

export async function findCommunityInboxId(m: EntityManager): Promise<number | null> {
  return (await inboxRepository.listByChannel(m, 'webform')).find(isCommunityForm)?.id ?? null;
}
