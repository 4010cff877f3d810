// The platforms' names as people write them, for pages and messages.
const LABELS: Record<string, string> = { mastodon: 'Mastodon', x: 'X', bluesky: 'Bluesky' };

export const platformLabel = (platform: string): string => LABELS[platform] ?? platform;
