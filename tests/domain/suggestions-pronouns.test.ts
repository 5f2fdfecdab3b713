import { suggestLabels } from '../../server/domain/suggestions.js';
import { CHUNK_CHARS } from '../../server/domain/suggestions/index.js';
import { genderOf, givenNameGender } from '../../server/domain/suggestions/gender.js';

/** [words, speaker] of every quote and claim, in text order. */
const speakers = (text: string) => suggestLabels(text, []).filter((s) => s.type !== 'opinion').map((s) => [s.exact, s.speaker ?? null]);

describe('he and she: the last person of a compatible gender', () => {
  test('when a woman and then a man are named, then "she" means the woman and "he" the man', () => {
    const text = 'Council leader Margaret Hale met the developer Thomas Reed on Monday. Reed said the scheme would go ahead in May. She said the council had not yet decided. He said his company would wait.';
    expect(speakers(text)).toEqual([
      ['the scheme would go ahead in May', 'Thomas Reed'],
      ['the council had not yet decided', 'Margaret Hale'],
      ['his company would wait', 'Thomas Reed'],
    ]);
  });

  test('when titles give the gender (Mrs, Mr), then the pronoun follows the title', () => {
    const text = 'Mrs Okonkwo and Mr Baptiste spoke after the vote. Mrs Okonkwo said the result was fair. He said the count should be repeated. She said there was no reason to repeat it.';
    expect(speakers(text)).toEqual([
      ['the result was fair', 'Okonkwo'],
      ['the count should be repeated', 'Baptiste'],
      ['there was no reason to repeat it', 'Okonkwo'],
    ]);
  });

  test('when a given name is not in the lexicon, then an earlier "he" or "she" about the same person tells the gender', () => {
    const text = 'Alex Moreau, the union negotiator, said the offer was too low. She said members would vote next week. Chris Dunn, who speaks for the employers, said the offer was final. He said there was no more money. Later she said the strike would go ahead.';
    expect(speakers(text)).toEqual([
      ['the offer was too low', 'Alex Moreau'],
      ['members would vote next week', 'Alex Moreau'],
      ['the offer was final', 'Chris Dunn'],
      ['there was no more money', 'Chris Dunn'],
      ['the strike would go ahead', 'Alex Moreau'],
    ]);
  });

  test('when another man is named only inside what was reported, then the "he" after it still means the speaker', () => {
    const text = 'Prosecutor John Abara said the money went to a company run by Peter Kell. “The scheme was simple,” he said.';
    expect(speakers(text)).toEqual([
      ['the money went to a company run by Peter Kell', 'John Abara'],
      ['The scheme was simple', 'John Abara'],
    ]);
  });

  test('when a spokeswoman is quoted and then a man, then "she" and "the spokeswoman" mean her', () => {
    const text = 'A spokeswoman for the airline said flights would resume on Friday. Union leader John Carter said the strike would continue. She said the airline had offered talks. The spokeswoman said the offer stood.';
    expect(speakers(text)).toEqual([
      ['flights would resume on Friday', 'A spokeswoman for the airline'],
      ['the strike would continue', 'John Carter'],
      ['the airline had offered talks', 'A spokeswoman for the airline'],
      ['the offer stood', 'A spokeswoman for the airline'],
    ]);
  });

  test('when "the judge" refers back to a titled judge, then the "she" after it is the judge', () => {
    const text = 'Judge Maria Lopez heard the case. Defence lawyer Karen Fry said her client was naive. The judge disagreed. “He knew what he was doing,” she said.';
    expect(speakers(text)).toEqual([
      ['her client was naive', 'Karen Fry'],
      ['He knew what he was doing', 'Maria Lopez'],
    ]);
  });

  test('when "they" follows a group, then the group speaks', () => {
    const text = 'Two people familiar with the talks said the sides were close. They said a deal could come this week.';
    expect(speakers(text)).toEqual([
      ['the sides were close', 'Two people familiar with the talks'],
      ['a deal could come this week', 'Two people familiar with the talks'],
    ]);
  });

  test('when a woman is introduced in the first internal chunk of a long text and "she" speaks in the second, then she is resolved across the boundary', () => {
    const filler = 'The river was calm and the weather was mild for the time of year.\n'.repeat(Math.ceil((CHUNK_CHARS * 1.2) / 66));
    const text = `Mayor Helen Brandt opened the bridge. Her deputy, Paul Novak, was there.\n${filler}Later she said the bridge had cost less than planned.\n`;
    expect(text.length).toBeGreaterThan(CHUNK_CHARS);
    const [claim] = suggestLabels(text, []).filter((s) => s.type === 'reported-claim');
    expect(claim.start).toBeGreaterThan(CHUNK_CHARS);
    expect([claim.exact, claim.speaker]).toEqual(['the bridge had cost less than planned', 'Helen Brandt']);
  });
});

describe('gender lexicon', () => {
  test('when a given name or a role noun is looked up, then it tells the gender, and an unknown name tells none', () => {
    expect(givenNameGender('Linda')).toBe('female');
    expect(givenNameGender('Thomas')).toBe('male');
    expect(givenNameGender('Alex')).toBeUndefined();
    expect(genderOf(undefined, ['a', 'police', 'spokeswoman'])).toBe('female');
    expect(genderOf('Okonkwo', ['Mrs'])).toBe('female');
    expect(genderOf('Jordan Blake', [])).toBeUndefined();
  });
});
