import { createHash } from 'node:crypto';
import { z } from 'zod';
import { instanceSettingRepository } from '../db/repositories/instance-setting.repository';
import type { Services } from '../services';
import { accentPalette, type AccentPalette } from './brand-colour';
import { LOGO_TYPES, logoExtension } from './brand-logo';

// The company's identity on every customer surface (community, forms, thread, e-mails): a name,
// a logo and an accent colour, set by an admin on /admin/branding. Nothing set: Chorus's own.
export const BRANDING_KEY = 'branding';

const logoSchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), type: z.enum(LOGO_TYPES), width: z.number().int(), height: z.number().int(), bytes: z.number().int() });
export const storedBrandingSchema = z.object({
  companyName: z.string().nullable().default(null),
  accent: z.string().nullable().default(null),
  logo: logoSchema.nullable().default(null),
  // Logos replaced lately: e-mails already sent still show them.
  previousLogos: z.array(logoSchema).max(10).default([]),
});
export type StoredBranding = z.infer<typeof storedBrandingSchema>;
export const NO_BRANDING: StoredBranding = { companyName: null, accent: null, logo: null, previousLogos: [] };

// What templates get: `{{brand.name}}`, `{{brand.logoUrl}}`, `{{brand.themeUrl}}`, `{{brand.palette.link}}`…
export interface Brand {
  name: string;
  custom: boolean; // a company name is set
  branded: boolean; // anything is set: e-mails then carry the brand header
  logoUrl: string | null; // path on this site, for pages
  logoAbsoluteUrl: string | null; // for e-mails
  logoWidth: number | null;
  logoHeight: number | null;
  palette: AccentPalette | null;
  themeUrl: string | null;
}

export function presentBrand(b: StoredBranding, publicUrl: string): Brand {
  const logoPath = b.logo ? `/brand/logo/${b.logo.sha256.slice(0, 32)}.${logoExtension(b.logo.type)}` : null;
  // The logo is shown at most 40 px high; width kept in proportion, so the header never jumps.
  const scale = b.logo ? Math.min(1, 40 / b.logo.height) : 1;
  return {
    name: b.companyName ?? 'Chorus',
    custom: !!b.companyName,
    branded: !!(b.companyName || b.logo || b.accent),
    logoUrl: logoPath,
    logoAbsoluteUrl: logoPath ? `${publicUrl}${logoPath}` : null,
    logoWidth: b.logo ? Math.round(b.logo.width * scale) : null,
    logoHeight: b.logo ? Math.round(b.logo.height * scale) : null,
    palette: b.accent ? accentPalette(b.accent) : null,
    themeUrl: b.accent ? `/brand/theme/${createHash('sha256').update(b.accent).digest('hex').slice(0, 12)}.css` : null,
  };
}

// Read on every customer page and e-mail; kept for a few seconds per node so a busy community
// page costs no extra query, and dropped at once on the node where an admin saves (the other
// nodes of a cluster follow within BRAND_TTL_MS).
export const BRAND_TTL_MS = 5_000;
const cache = new WeakMap<Services, { at: number; value: StoredBranding }>();

export async function loadBranding(s: Services): Promise<StoredBranding> {
  const hit = cache.get(s);
  const now = Date.now();
  if (hit && now - hit.at < BRAND_TTL_MS) return hit.value;
  const row = await instanceSettingRepository.get(s.db.m, BRANDING_KEY);
  const parsed = storedBrandingSchema.safeParse(row?.value ?? {});
  const value = parsed.success ? parsed.data : NO_BRANDING;
  cache.set(s, { at: now, value });
  return value;
}

export const forgetBranding = (s: Services) => void cache.delete(s);

export async function loadBrand(s: Services): Promise<Brand> {
  return presentBrand(await loadBranding(s), s.config.publicUrl);
}
