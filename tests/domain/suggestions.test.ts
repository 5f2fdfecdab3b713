import { rejectionKey, suggestLabels } from '../../server/domain/suggestions.js';

const pick = (text: string) => suggestLabels(text, []).map((s) => ({ type: s.type, exact: s.exact, speaker: s.speaker, cue: s.cue, sourcing: s.sourcing }));

describe('suggestLabels', () => {
  test('when a quote is followed by "Blinken said", then it is a direct quote by Blinken, named', () => {
    const text = 'Intro. “That would be a phony off-ramp,” Blinken said in remarks.';
    expect(pick(text)).toEqual([{ type: 'direct-quote', exact: 'That would be a phony off-ramp', speaker: 'Blinken', cue: 'said', sourcing: 'named' }]);
  });

  test('when the speaker comes before the quote, then it is read from there', () => {
    const text = 'Blinken said on Wednesday, “We have laid out two paths for President Putin.”';
    expect(pick(text)).toEqual([{ type: 'direct-quote', exact: 'We have laid out two paths for President Putin', speaker: 'Blinken', cue: 'said', sourcing: 'named' }]);
  });

  test('when the quote is followed by "he said", then the last named speaker is used', () => {
    const text = '“First words are here,” Zelensky said. “And then more words follow,” he said.';
    expect(pick(text).map((s) => [s.exact, s.speaker, s.sourcing])).toEqual([
      ['First words are here', 'Zelensky', 'named'],
      ['And then more words follow', 'Zelensky', 'named'],
    ]);
  });

  test('when an unnamed official is quoted, then the sourcing is anonymous', () => {
    const text = 'It appears “Russia’s ambition is indeed to take control,” a French official said.';
    expect(pick(text)).toEqual([{ type: 'direct-quote', exact: 'Russia’s ambition is indeed to take control', speaker: 'a French official', cue: 'said', sourcing: 'anonymous' }]);
  });

  test('when a speaker states something "that" without quote marks, then the clause is a reported claim', () => {
    const text = 'Antony Blinken on Wednesday averred that Russia has to de-escalate tensions on the border.';
    expect(pick(text)).toEqual([{ type: 'reported-claim', exact: 'Russia has to de-escalate tensions on the border', speaker: 'Antony Blinken', cue: 'averred', sourcing: 'named' }]);
  });

  test('when a sentence carries two loaded words outside quotes, then it is suggested as opinion', () => {
    const text = 'The self-styled experts offered misleading claims again. A calm sentence.';
    expect(pick(text)).toEqual([{ type: 'opinion', exact: 'The self-styled experts offered misleading claims again.'.slice(0, -1), speaker: undefined, cue: undefined, sourcing: undefined }]);
  });

  test('when two scare-quoted words have no cue, then nothing is suggested', () => {
    expect(pick('The path of “deterrence” remains.')).toEqual([]);
  });

  test('when a span is already labelled with the same type, or was rejected, then it is not suggested again', () => {
    const text = '“That would be a phony off-ramp,” Blinken said.';
    const [s] = suggestLabels(text, []);
    expect(suggestLabels(text, [{ type: 'direct-quote', start: s.start, end: s.end }])).toEqual([]);
    expect(suggestLabels(text, [], [rejectionKey(s)])).toEqual([]);
    expect(suggestLabels(text, [{ type: 'opinion', start: s.start, end: s.end }])).toHaveLength(1);
  });

  test('when the same text is read twice, then the ids are the same', () => {
    const text = '“That would be a phony off-ramp,” Blinken said.';
    expect(suggestLabels(text, [])[0].id).toBe('direct-quote:1-31');
  });
});

describe('speaker names', () => {
  const text = 'Antony Blinken spoke. “That would be a phony off-ramp,” Blinken said.';
  test('when the text names "Antony Blinken" once, then a quote by "Blinken" is credited to Antony Blinken', () => {
    expect(suggestLabels(text, [])[0].speaker).toBe('Antony Blinken');
  });

  test('when the corpus already knows one full name ending in the surname, then that name is used', () => {
    expect(suggestLabels('“That would be a phony off-ramp,” Blinken said.', [], [], ['Antony Blinken', 'Zelensky'])[0].speaker).toBe('Antony Blinken');
  });

  test('when two known names end in the surname, then the surname is left as it is', () => {
    expect(suggestLabels('“That would be a phony off-ramp,” Blinken said.', [], [], ['Antony Blinken', 'Donald Blinken'])[0].speaker).toBe('Blinken');
  });
});

describe('hostile texts', () => {
  test('when a run of over 2,000 characters has no full stop, then no opinion is read in it', () => {
    const run = 'the self-styled regime spread misleading propaganda and '.repeat(40);
    expect(suggestLabels(run, []).filter((s) => s.type === 'opinion')).toEqual([]);
  });

  test('when quotation marks are never closed, then nothing is suggested from them', () => {
    expect(suggestLabels('“abc def ghi '.repeat(200), [])).toEqual([]);
  });

  test('when "X said that" has no sentence end within 400 characters, then no claim is suggested', () => {
    expect(suggestLabels(`Bob said that ${'the talks go on and on '.repeat(30)}.`, [])).toEqual([]);
  });
});
