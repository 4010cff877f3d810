import { z } from 'zod';
import { LISTENING_PLATFORMS } from '../db/entities';

const words = (what: string) => z.array(z.string().trim().min(1, `Leave out empty ${what}.`).max(200, `Keep each of the ${what} under 200 characters.`))
  .max(50, `Use at most 50 ${what}.`);

// One schema for the JSON API and the admin form (the form's lists arrive as comma/line-separated
// text and are split before this runs). The token is write-only: never presented back. These
// carry no defaults, so an update changes only what it names; creation adds the defaults.
const fields = {
  name: z.string().trim().min(1, 'Give the stream a name.').max(120, 'Use at most 120 characters.'),
  platform: z.enum(LISTENING_PLATFORMS, `Choose one of ${LISTENING_PLATFORMS.join(', ')}.`),
  keywords: words('keywords'),
  phrases: words('phrases'),
  hashtags: words('hashtags').transform((l) => l.map((h) => h.replace(/^#+/, '')).filter(Boolean)),
  exclusions: words('exclusions'),
  language: z.string().trim().regex(/^[a-z]{2,3}$/i, 'Use a two- or three-letter language code such as en or de.').transform((x) => x.toLowerCase()).nullable(),
  enabled: z.boolean(),
  pollSeconds: z.number().int('Use whole seconds.').min(5, 'Poll at most every 5 seconds.').max(86_400, 'Poll at least once a day.'),
  apiBaseUrl: z.url({ protocol: /^https?$/, error: 'Enter the platform\'s address, e.g. https://mastodon.social.' }).nullable(),
  // Empty or absent on an update: keep the token. Null: remove it.
  accessToken: z.string().trim().max(4000, 'That token is too long.').nullable(),
  inboxId: z.number().int().positive('Choose an inbox.').nullable(),
  autoTicket: z.object({
    minFollowers: z.number().int('Use a whole number of followers.').min(1, 'Use at least 1 follower.').nullable().default(null),
    negative: z.boolean().default(false),
  }).nullable(),
};

// What each platform cannot poll without (named by field, so the form marks the right input).
export function streamProblems(v: { platform: string; keywords: string[]; phrases: string[]; hashtags: string[]; apiBaseUrl: string | null; hasToken: boolean }): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v.keywords.length && !v.phrases.length && !v.hashtags.length) out.keywords = 'Give at least one keyword, phrase or hashtag to listen for.';
  if (v.platform === 'mastodon' && !v.apiBaseUrl) out.apiBaseUrl = 'Mastodon streams need the server address (e.g. https://mastodon.social).';
  if (v.platform === 'mastodon' && (v.keywords.length || v.phrases.length) && !v.hasToken) out.accessToken = 'Mastodon status search needs an access token; hashtags alone do not.';
  if (v.platform === 'x' && !v.hasToken) out.accessToken = 'X recent search needs a bearer token.';
  return out;
}

export const createStreamBody = z.object({
  name: fields.name, platform: fields.platform, keywords: fields.keywords.default([]), phrases: fields.phrases.default([]), hashtags: fields.hashtags.default([]),
  exclusions: fields.exclusions.default([]), language: fields.language.default(null), enabled: fields.enabled.default(true), pollSeconds: fields.pollSeconds.default(60),
  apiBaseUrl: fields.apiBaseUrl.default(null), accessToken: fields.accessToken.optional(), inboxId: fields.inboxId.default(null), autoTicket: fields.autoTicket.default(null),
});
export type CreateStreamInput = z.infer<typeof createStreamBody>;

export const updateStreamBody = z.object(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof fields]: z.ZodOptional<(typeof fields)[K]> });
export type UpdateStreamInput = z.infer<typeof updateStreamBody>;

// The admin form: lists as text (commas or lines), checkboxes as "1", numbers as strings.
export function streamFormInput(raw: Record<string, unknown>) {
  const list = (v: unknown) => String(v ?? '').split(/[\n,]/).map((x) => x.trim()).filter(Boolean);
  const num = (v: unknown) => (v === undefined || String(v).trim() === '' ? null : Number(v));
  const minFollowers = num(raw.autoMinFollowers);
  const negative = raw.autoNegative === '1';
  return {
    name: String(raw.name ?? ''), platform: raw.platform, keywords: list(raw.keywords), phrases: list(raw.phrases), hashtags: list(raw.hashtags),
    exclusions: list(raw.exclusions), language: String(raw.language ?? '').trim() || null, enabled: raw.enabled === '1',
    pollSeconds: num(raw.pollSeconds) ?? 60, apiBaseUrl: String(raw.apiBaseUrl ?? '').trim() || null,
    accessToken: raw.removeToken === '1' ? null : String(raw.accessToken ?? '').trim() || undefined,
    inboxId: num(raw.inboxId), autoTicket: minFollowers !== null || negative ? { minFollowers, negative } : null,
  };
}
