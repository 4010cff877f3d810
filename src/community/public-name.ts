import { createHash } from 'node:crypto';

// How a customer is shown to anyone who is not an agent: the community lists, public and
// private thread pages, their JSON, socket events, search and e-mails to customers all ask
// here. Only a name the person chose is ever shown; otherwise a neutral name that says nothing
// about them — never their e-mail address or its local part, and never a name that merely
// arrived in a mail header (they did not choose to be public under it).
export interface PublicPerson { id: number; displayName?: string | null; avatarColor?: string | null }

// The colours a customer may pick for their avatar (each has a class in web.css).
export const AVATAR_COLOURS = ['indigo', 'teal', 'green', 'amber', 'rose', 'slate'] as const;
export type AvatarColour = (typeof AVATAR_COLOURS)[number];

export const DISPLAY_NAME_MAX = 40;

// Stable for a contact, short, and not their row number: "Customer 4F2A".
export function neutralName(contactId: number): string {
  return `Customer ${createHash('sha256').update(`chorus-member:${contactId}`).digest('hex').slice(0, 4).toUpperCase()}`;
}

export function publicName(c: PublicPerson | null | undefined): string {
  const chosen = c?.displayName?.trim();
  if (chosen) return chosen;
  return c ? neutralName(c.id) : 'Customer';
}

export function avatarColour(c: PublicPerson | null | undefined): AvatarColour {
  const chosen = c?.avatarColor;
  if (chosen && (AVATAR_COLOURS as readonly string[]).includes(chosen)) return chosen as AvatarColour;
  return AVATAR_COLOURS[Math.abs(c?.id ?? 0) % AVATAR_COLOURS.length];
}

// A chosen name must not be an address either: that would put the address on public pages.
export function displayNameProblem(name: string): string | null {
  const n = name.trim();
  if (n.length < 2) return 'Use at least 2 characters.';
  if (n.length > DISPLAY_NAME_MAX) return `Use at most ${DISPLAY_NAME_MAX} characters.`;
  if (/\S@\S/.test(n)) return 'Choose a name, not an e-mail address: it is shown publicly.';
  if (/[\p{Cc}<>]/u.test(n)) return 'Use letters, digits, spaces and punctuation only.';
  return null;
}
