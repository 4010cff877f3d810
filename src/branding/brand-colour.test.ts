import { accentPalette, contrastRatio, DARK, MIN_CONTRAST, PAGE_LIGHT, parseHexColour, WHITE } from './brand-colour';

describe('brand colour', () => {
  it('accepts #rgb and #rrggbb with or without the hash and refuses anything else', () => {
    expect(parseHexColour('#ABC')).toBe('#aabbcc');
    expect(parseHexColour('0f766e')).toBe('#0f766e');
    for (const bad of ['', '#12', '#1234', 'red', '#ggg000', 'rgb(1,2,3)', '#0f766e;background:url(x)']) expect(parseHexColour(bad)).toBeNull();
  });

  it('measures contrast as WCAG does', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it('keeps a colour that reads on white and derives a lighter one for dark surfaces', () => {
    const p = accentPalette('#1d4ed8');
    expect(p.accent).toBe('#1d4ed8');
    expect(p.link).toBe('#1d4ed8');
    expect(p.accentInk).toBe(WHITE);
    expect(contrastRatio(p.linkOnDark, DARK)).toBeGreaterThanOrEqual(MIN_CONTRAST);
    expect(p.linkOnDark).not.toBe('#1d4ed8');
  });

  it('darkens a pale brand colour for links and puts dark ink on its buttons', () => {
    const p = accentPalette('#facc15');
    expect(p.adjusted).toBe(true);
    expect(contrastRatio(p.link, WHITE)).toBeGreaterThanOrEqual(MIN_CONTRAST);
    expect(p.accentInk).toBe(DARK);
    expect(contrastRatio(p.button, p.accentInk)).toBeGreaterThanOrEqual(MIN_CONTRAST);
    expect(p.ratios.white).toBeLessThan(2);
  });

  it('always finds a readable label for a button, whatever the colour', () => {
    for (let i = 0; i < 4096; i += 29) {
      const hex = `#${[i >> 8, (i >> 4) & 15, i & 15].map((v) => v.toString(16).repeat(2)).join('')}`;
      const p = accentPalette(hex);
      expect(contrastRatio(p.link, WHITE)).toBeGreaterThanOrEqual(MIN_CONTRAST);
      expect(contrastRatio(p.link, PAGE_LIGHT)).toBeGreaterThanOrEqual(MIN_CONTRAST);
      expect(contrastRatio(p.linkOnDark, DARK)).toBeGreaterThanOrEqual(MIN_CONTRAST);
      expect(contrastRatio(p.button, p.accentInk)).toBeGreaterThanOrEqual(MIN_CONTRAST);
    }
  });
});
