import { alignLocally } from '../../../server/domain/compare/align.js';
import { matchPassages } from '../../../server/domain/compare/match.js';
import { documentWords, toPassage } from '../../../server/domain/compare/passages.js';
import { WordIds } from '../../../server/domain/compare/word-ids.js';
import { tokenize } from '../../../server/domain/compare/tokens.js';
import type { Passage } from '../../../server/domain/compare/types.js';

const ids = new WordIds();
const passage = (text: string, doc = 0): Passage => toPassage(doc, 'sentence', 0, text.length, documentWords(text, ids), ids)!;
const words = (text: string, from: number, to: number) => tokenize(text).slice(from, to).map((t) => t.norm).join(' ');

describe('local alignment and the match rule', () => {
  test('when a word is swapped for two, then the alignment spans the whole phrase on both sides', () => {
    const a = 'rest, refit, regroup, reattack';
    const b = 'what he will seek to do is to rest, refit, and eventually re-attack, he said';
    const al = alignLocally(passage(a).words, passage(b).words, ids.content)!;
    expect(words(a, al.aFrom, al.aTo)).toBe('rest refit regroup reattack');
    expect(words(b, al.bFrom, al.bTo)).toBe('rest refit and eventually reattack');
    expect({ matched: al.matched, matchedContent: al.matchedContent }).toEqual({ matched: 3, matchedContent: 3 });
  });

  test('when nothing agrees, then there is no alignment', () => {
    expect(alignLocally([ids.of('alpha'), ids.of('beta')], [ids.of('gamma'), ids.of('delta')], ids.content)).toBeNull();
  });

  test('when the short quotation is a variant of part of a long sentence, then they match', () => {
    const m = matchPassages(passage('rest, refit, regroup, reattack'), passage('His imperial ambitions remain, and what he will seek to do is to rest, refit, and eventually re-attack', 1), 0, 1, ids);
    expect(m).toEqual({ a: 0, b: 1, aFrom: 0, aTo: 4, bFrom: 13, bTo: 18, matched: 3 });
  });

  test('when two sentences only share "the United States", then they do not match', () => {
    const a = passage('The top US diplomat said it was one of the two paths held out by the United States and the rest of the world.');
    const b = passage('NATO allies like the United States, but also the United Kingdom and Canada, have trained Ukrainian troops.', 1);
    expect(matchPassages(a, b, 0, 1, ids)).toBeNull();
  });

  test('when two sentences share a named subject and nothing else, then they do not match', () => {
    const a = passage('Russian President Vladimir Putin met Chinese leaders in Beijing on Tuesday.');
    const b = passage('Russian President Vladimir Putin signed a decree on Wednesday raising pensions.', 1);
    expect(matchPassages(a, b, 0, 1, ids)).toBeNull();
  });

  test('when two sentences differ only by "not", then they do not match', () => {
    const a = passage('The government will raise taxes on fuel next year.');
    const b = passage('The government will not raise taxes on fuel next year.', 1);
    expect(matchPassages(a, b, 0, 1, ids)).toBeNull();
    expect(matchPassages(a, passage('The government will raise taxes on fuel next year.', 1), 0, 1, ids)).not.toBeNull();
  });
});
