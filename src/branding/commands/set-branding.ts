import { blobRepository } from '../../db/repositories/blob.repository';
import { instanceSettingRepository } from '../../db/repositories/instance-setting.repository';
import type { Db } from '../../db/transaction';
import { ValidationError } from '../../errors';
import { parseHexColour } from '../brand-colour';
import { checkLogo } from '../brand-logo';
import { BRANDING_KEY, storedBrandingSchema, type StoredBranding } from '../branding';

export interface BrandingInput {
  companyName?: string | null; // '' or null: back to Chorus's own name
  accent?: string | null; // '' or null: back to the default colour
  logo?: Buffer | null; // a new logo's bytes
  removeLogo?: boolean;
}

export const COMPANY_NAME_MAX = 80;

// An admin's change to the branding. Every field is checked before anything is written; a bad
// field is named with its reason and the others are not saved half-way.
export async function setBranding(db: Db, now: number, agentId: number | null, input: BrandingInput): Promise<StoredBranding> {
  const fields: Record<string, string[]> = {};
  const row = await instanceSettingRepository.get(db.m, BRANDING_KEY);
  const current = storedBrandingSchema.parse(row?.value ?? {});
  const next: StoredBranding = { ...current };

  if (input.companyName !== undefined) {
    const name = (input.companyName ?? '').replace(/\s+/g, ' ').trim();
    if (name.length > COMPANY_NAME_MAX) fields.companyName = [`Use at most ${COMPANY_NAME_MAX} characters.`];
    else if (/[<>]/.test(name)) fields.companyName = ['Leave out < and >.'];
    next.companyName = name || null;
  }
  if (input.accent !== undefined) {
    const raw = (input.accent ?? '').trim();
    const hex = raw ? parseHexColour(raw) : null;
    if (raw && !hex) fields.accent = ['Enter a colour as #rrggbb, for example #0f766e.'];
    next.accent = hex;
  }
  let logoBytes: Buffer | null = null;
  if (input.logo) {
    const checked = checkLogo(input.logo);
    if (!checked.ok) fields.logo = [checked.error];
    else {
      logoBytes = input.logo;
      if (current.logo && current.logo.sha256 !== blobRepository.sha256(input.logo)) next.previousLogos = [current.logo, ...current.previousLogos.filter((l) => l.sha256 !== current.logo!.sha256)].slice(0, 10);
      next.logo = { sha256: blobRepository.sha256(input.logo), type: checked.logo.type, width: checked.logo.width, height: checked.logo.height, bytes: checked.logo.bytes };
    }
  } else if (input.removeLogo && current.logo) {
    next.previousLogos = [current.logo, ...current.previousLogos].slice(0, 10);
    next.logo = null;
  }

  const bad = Object.entries(fields)[0];
  if (bad) throw new ValidationError(`Invalid body field ${bad[0]}: ${bad[1][0]}`, { fields });
  await db.transaction(async ({ m }) => {
    if (logoBytes) await blobRepository.put(m, logoBytes);
    await instanceSettingRepository.put(m, BRANDING_KEY, next, agentId, now);
  });
  return next;
}
