import { resolveSpeaker, roleInText } from '../../../server/domain/speakers/resolve.js';
import { splitTitle, nearMissGiven } from '../../../server/domain/speakers/names.js';
import type { Speaker } from '../../../server/domain/speakers/types.js';

const sp = (id: string, name: string, extra: Partial<Speaker> = {}): Speaker => ({ id, name, aliases: [name], createdAt: 'x', ...extra });
const ctx = (text = '', documentSpeakerIds: string[] = []) => ({ text, documentSpeakerIds });

describe('speaker names', () => {
  test.each([
    ['Secretary of State Antony Blinken', { name: 'Antony Blinken', role: 'Secretary of State' }],
    ['President Joe Biden', { name: 'Joe Biden', role: 'President' }],
    ['Russian President Vladimir Putin', { name: 'Vladimir Putin', role: 'Russian President' }],
    ['Senate Democratic leader Harry Reid', { name: 'Harry Reid', role: 'Senate Democratic leader' }],
    ['Mr. Smith', { name: 'Smith' }],
    ['Blinken', { name: 'Blinken' }],
  ])('when the name is "%s", then the title is the role and the rest the name', (raw, expected) => {
    expect(splitTitle(raw)).toEqual(expected);
  });

  test('when two given names are one letter apart, then they are a near miss; different names are not', () => {
    expect(nearMissGiven('anthony', 'antony')).toBe(true);
    expect(nearMissGiven('jon', 'john')).toBe(false); // too short to judge
    expect(nearMissGiven('hunter', 'joe')).toBe(false);
  });

  test('when the text puts a title before the name, then that title is read as the role', () => {
    expect(roleInText('date 2022 Secretary of State Anthony Blinken is warning', 'Anthony Blinken')).toBe('Secretary of State');
    expect(roleInText('said Anthony Blinken on Monday', 'Anthony Blinken')).toBeUndefined();
  });
});

describe('resolving a typed name to a speaker', () => {
  const antony = sp('a', 'Antony Blinken', { role: 'Secretary of State' });
  const hunter = sp('h', 'Hunter Biden');
  const joe = sp('j', 'Joe Biden', { role: 'President' });

  test('when the name is a known spelling with a title, then it is that speaker', () => {
    expect(resolveSpeaker([antony], 'Secretary of State Antony Blinken', ctx())).toMatchObject({ kind: 'existing', speaker: { id: 'a' }, how: 'alias' });
  });

  test('when only the surname is typed, then the speaker already credited in the document wins over others of that surname', () => {
    expect(resolveSpeaker([hunter, joe], 'Biden', ctx('', ['j']))).toMatchObject({ kind: 'existing', speaker: { id: 'j' }, how: 'surname' });
    expect(resolveSpeaker([hunter, joe], 'Biden', ctx('Hunter Biden spoke first.'))).toMatchObject({ speaker: { id: 'h' } });
  });

  test('when only the surname is typed and two speakers share it with nothing in the document to choose, then it is a new speaker', () => {
    expect(resolveSpeaker([hunter, joe], 'Biden', ctx('Biden spoke.'))).toEqual({ kind: 'new', name: 'Biden' });
  });

  test('when a near-miss spelling comes with the same role in the text, then it is the same person; without it, a separate speaker until an editor merges', () => {
    expect(resolveSpeaker([antony], 'Anthony Blinken', ctx('Secretary of State Anthony Blinken is warning'))).toMatchObject({ kind: 'existing', speaker: { id: 'a' }, how: 'near-miss', alias: 'Anthony Blinken' });
    expect(resolveSpeaker([antony], 'Anthony Blinken', ctx('Anthony Blinken, a student, said'))).toEqual({ kind: 'new', name: 'Anthony Blinken' });
  });

  test('when the name is a pronoun, an anonymous source or a lower-case noun, then it is no entity', () => {
    for (const name of ['he', 'a senior official', 'An aide', 'officials', 'the report']) expect(resolveSpeaker([antony], name, ctx())).toBeNull();
  });

  test('when a speaker was merged into another, then its spelling resolves to the one it was merged into', () => {
    const merged = sp('m', 'A. Blinken', { mergedInto: 'a' });
    const into = { ...antony, aliases: ['Antony Blinken', 'A. Blinken'] };
    expect(resolveSpeaker([into, merged], 'A. Blinken', ctx())).toMatchObject({ kind: 'existing', speaker: { id: 'a' } });
  });
});
