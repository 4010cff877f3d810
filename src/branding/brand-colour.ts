// The admin's accent colour and the shades the pages actually use. A brand colour is rarely
// readable everywhere: links on white need 4.5:1 (WCAG AA for text), button labels need 4.5:1 on
// the colour, and a dark surface needs its own lighter shade. Each shade is the admin's colour
// moved toward black or white only as far as needed, and the admin page says when it was moved.

export const WHITE = '#ffffff';
// The darkest ink and surface the customer pages and e-mails use (the dark theme's card).
export const DARK = '#111827';
// The palest grey the pages put links on (the page background, public/web.css --bg): a shade
// that reads there reads on the white cards and e-mails too.
export const PAGE_LIGHT = '#f6f7fb';
export const MIN_CONTRAST = 4.5;

export interface AccentPalette {
  accent: string; // what the admin chose, used for highlights
  button: string; // button background: the accent, unless no label colour reads on it
  accentInk: string; // label colour on a button
  link: string; // text in the accent colour on white and on the light page background
  linkOnDark: string; // text in the accent colour on a dark surface
  ratios: { white: number; dark: number };
  adjusted: boolean;
}

// `#abc`, `#aabbcc` or `aabbcc` → `#aabbcc`; anything else → null.
export function parseHexColour(input: string): string | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(input.trim());
  if (!m) return null;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return `#${h.toLowerCase()}`;
}

const rgb = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
const hexOf = (c: number[]) => `#${c.map((v) => Math.round(Math.max(0, Math.min(255, v))).toString(16).padStart(2, '0')).join('')}`;

// WCAG 2 relative luminance and contrast ratio.
function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const mix = (a: string, b: string, t: number) => {
  const [x, y] = [rgb(a), rgb(b)];
  return hexOf(x.map((v, i) => v + (y[i] - v) * t));
};

// The colour moved toward `toward` in small steps until it reads on `surface`.
function readableOn(colour: string, surface: string, toward: string): string {
  for (let t = 0; t <= 1.0001; t += 0.02) {
    const c = mix(colour, toward, t);
    if (contrastRatio(c, surface) >= MIN_CONTRAST) return c;
  }
  return toward;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function accentPalette(accentHex: string): AccentPalette {
  const accent = parseHexColour(accentHex) ?? '#4f46e5';
  const link = readableOn(accent, PAGE_LIGHT, '#000000');
  const linkOnDark = readableOn(accent, DARK, WHITE);
  // The label is white or dark ink, whichever reads better; a mid-tone where neither reaches
  // 4.5:1 gets the darkened shade behind a white label.
  const ratios = { white: round(contrastRatio(accent, WHITE)), dark: round(contrastRatio(accent, DARK)) };
  const best = Math.max(contrastRatio(accent, WHITE), contrastRatio(accent, DARK));
  const button = best >= MIN_CONTRAST ? accent : link;
  const accentInk = button !== accent || contrastRatio(accent, WHITE) >= contrastRatio(accent, DARK) ? WHITE : DARK;
  return { accent, button, accentInk, link, linkOnDark, ratios, adjusted: link !== accent || linkOnDark !== accent || button !== accent };
}
