import fc from 'fast-check';
import { namesEndingWith } from '../../server/domain/full-names.js';

/** What one regular expression per surname finds (the scan the one-pass index replaces), overlapping names included ("Ann Lin Lin-Kim"). */
function perSurname(text: string, surnames: string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of surnames) {
    const names = new Set([...text.matchAll(new RegExp(`(?=\\b([A-Z][a-z]+ ${s})\\b)`, 'g'))].map((m) => m[1]));
    if (names.size) out.set(s, names);
  }
  return out;
}

describe('full names found in one pass', () => {
  it('when a text names "Antony Blinken" and "Secretary Blinken", then both are found for the surname, and nothing for an absent one', () => {
    const text = 'Secretary Antony Blinken spoke. Later Secretary Blinken added: O’Brien, said Mary O’Brien-Smith.';
    expect(namesEndingWith(text, ['Blinken', 'Lavrov', 'O’Brien'])).toEqual(
      new Map([
        ['Blinken', new Set(['Antony Blinken', 'Secretary Blinken'])],
        ['O’Brien', new Set(['Mary O’Brien'])],
      ]),
    );
  });

  it('when texts and surnames are random, then the result equals one regular expression per surname', () => {
    const piece = fc.constantFrom('Ann ', 'Bo ', 'Li', 'Lin', 'Linx', 'Kim', ' ', '-', '’', 'x', ', ', 'A', 'Ab', 'Lin-Kim', '_', 'é');
    const surname = fc.constantFrom('Li', 'Lin', 'Kim', 'Ab', 'Lin-Kim', 'Bo');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.uniqueArray(surname, { maxLength: 4 }), (parts, surnames) => {
        const text = parts.join('');
        expect(namesEndingWith(text, surnames)).toEqual(perSurname(text, surnames));
      }),
      { numRuns: 2000 },
    );
  });

  it('when 300 one-word speakers are looked up in a long text, then each is found where it is named', () => {
    const surnames = Array.from({ length: 300 }, (_, i) => `Zed${String.fromCharCode(97 + (i % 26))}${i}`);
    const text = surnames.map((s, i) => `Reporter ${'word '.repeat(i % 7)}Person ${s} said so.`).join(' ').repeat(20);
    const found = namesEndingWith(text, surnames);
    expect(found.size).toBe(300);
    expect(found.get('Zeda0')).toEqual(new Set(['Person Zeda0']));
  });
});
