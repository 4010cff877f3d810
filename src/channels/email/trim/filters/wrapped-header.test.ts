import { bare, isSpaceUnit, lastBareChar, solidLength } from './wrapped-header';

// What bare() was written as: a regular expression, quadratic in each run of spaces or dashes.
const bareByRegex = (s: string) => s.replace(/^[\s*_-]+|[\s*_-]+$/g, '').replace(/\s+/g, ' ');

describe('bare()', () => {
  it('knows the same spaces as the \\s of a regular expression, for every UTF-16 unit', () => {
    const differ: string[] = [];
    for (let c = 0; c <= 0xffff; c++) if (isSpaceUnit(c) !== /\s/.test(String.fromCharCode(c))) differ.push(c.toString(16));
    expect(differ).toEqual([]);
  });

  it('gives what the regular expression gave', () => {
    const samples = [
      '', ' ', '---', ' * _ - ', '-- On Mon, 2 Nov 2026, Bob <b@x.test> wrote: --', '**On  Mon,\t2 Nov**',
      '\u00a0\u2003On Mon\u3000wrote:\ufeff', 'a - b', 'x'.repeat(50) + ' '.repeat(300) + 'y' + '-_* '.repeat(50),
      '— dash — is no frame —', '\u180eOn\u180e', 'On\u2028Mon\u2029',
    ];
    for (const s of samples) {
      expect(bare(s)).toBe(bareByRegex(s));
      expect(lastBareChar(s)).toBe(bareByRegex(s).slice(-1));
      expect(solidLength(s)).toBeLessThanOrEqual(bare(s).length);
    }
  });
});
