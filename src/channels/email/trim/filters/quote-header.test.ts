import { describeFilterFixtures } from '../../../../../test/helpers/reply-fixtures';
import { isQuoteHeader, quoteHeader } from './quote-header';

describeFilterFixtures(quoteHeader);

describe('quote-header words', () => {
  it('ends words on non-ASCII letters ("På", "napisał") where \\b would not', () => {
    expect(isQuoteHeader('På man. 2. nov. 2026 kl. 10.15 skrev Søren Ødegård <soren@example.dk>:')).toBe(true);
    expect(isQuoteHeader('W dniu 2.11.2026 o 10:15, Marta Nowak napisał')).toBe(true);
    expect(isQuoteHeader('Onboarding on Mon, 2 Nov 2026 went fine, Bob wrote')).toBe(false);
  });
});
