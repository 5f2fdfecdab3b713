import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { MAX_SUGGESTIONS, rejectionKey, suggestLabels } from '../../server/domain/suggestions.js';
import { LabelIndex } from '../../server/domain/suggestions/label-index.js';
import { commonNameForms, fullNameForms } from '../../server/domain/suggestions/speakers.js';

const pick = (text: string, known: Parameters<typeof suggestLabels>[3] = []) =>
  suggestLabels(text, [], [], known).map((s) => ({ type: s.type, exact: s.exact, speaker: s.speaker, cue: s.cue, sourcing: s.sourcing }));
const seed = (name: string) => readFileSync(new URL(`../../seeds/${name}`, import.meta.url), 'utf8');

describe('quotes', () => {
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

  test('when an unnamed official is quoted, then the sourcing is anonymous and no claim is made of the quote', () => {
    const text = 'It appears “Russia’s ambition is indeed to take control,” a French official said.';
    expect(pick(text)).toEqual([{ type: 'direct-quote', exact: 'Russia’s ambition is indeed to take control', speaker: 'a French official', cue: 'said', sourcing: 'anonymous' }]);
  });

  test('when a quotation continues over paragraphs, then every piece gets the speaker named at its end', () => {
    const text = 'She spoke at length.\n\n“We believed the institutions would grow stronger. Some of that happened\n\n“But we have now entered a new age of rivalry,” Helen Asante said.';
    expect(pick(text).map((s) => [s.exact, s.speaker])).toEqual([
      ['We believed the institutions would grow stronger. Some of that happened', 'Helen Asante'],
      ['But we have now entered a new age of rivalry', 'Helen Asante'],
    ]);
  });

  test('when two scare-quoted words have no cue, then nothing is suggested', () => {
    expect(pick('The path of “deterrence” remains.')).toEqual([]);
  });
});

describe('reported claims, in every order', () => {
  test.each([
    ['source-cue-content with "that"', 'Antony Blinken on Wednesday averred that Russia has to de-escalate tensions on the border.', 'Russia has to de-escalate tensions on the border', 'Antony Blinken', 'averred', 'named'],
    ['a that-less complement', 'Officials met. Blinken said Russia is trying to force Ukraine to cry uncle. Then he left.', 'Russia is trying to force Ukraine to cry uncle', 'Blinken', 'said', 'named'],
    ['content-cue-source', 'The talks are expected to last three days, Western diplomats said.', 'The talks are expected to last three days', 'Western diplomats', 'said', 'anonymous'],
    ['cue-source-content', 'According to the indictment, he forged board approvals for at least 40 transfers.', 'he forged board approvals for at least 40 transfers', 'the indictment', 'according to', 'document'],
    ['content, according to a source', 'The cuts will fall mostly on sales teams, according to a person with knowledge of the plan.', 'The cuts will fall mostly on sales teams', 'a person with knowledge of the plan', 'according to', 'anonymous'],
    ['a passive with no source', 'It was reported last week that the operators had hired temporary staff.', 'the operators had hired temporary staff', undefined, 'It was reported last week', 'unattributed'],
    ['a hearer between cue and content', 'An adviser to Zelensky told Axios the Ukrainian side would push for a partial ceasefire.', 'the Ukrainian side would push for a partial ceasefire', 'An adviser to Zelensky', 'told', 'anonymous'],
    ['people familiar with the matter', 'Two people familiar with the negotiations said the sides had been close to a deal.', 'the sides had been close to a deal', 'Two people familiar with the negotiations', 'said', 'anonymous'],
    ['an outlet reporting', 'CNN reported that Western officials were taken aback by the proposal.', 'Western officials were taken aback by the proposal', 'CNN', 'reported', 'document'],
    ['an organisation through a statement', 'The club said in a statement that the coach would take charge on Saturday.', 'the coach would take charge on Saturday', 'The club', 'said', 'document'],
  ])('when %s, then the content is the claim with its source', (_what, text, exact, speaker, cue, sourcing) => {
    const claims = pick(text).filter((s) => s.type === 'reported-claim');
    expect(claims).toEqual([{ type: 'reported-claim', exact, speaker, cue, sourcing }]);
  });

  test('when "X said A, and that B", then both are claims of X', () => {
    const text = 'Solheim said warmer summers were the main drivers, and that dust had darkened the ice surface.';
    expect(pick(text).map((s) => [s.exact, s.speaker])).toEqual([
      ['warmer summers were the main drivers', 'Solheim'],
      ['dust had darkened the ice surface', 'Solheim'],
    ]);
  });

  test('when a claim has no sentence end for a long way, then it is not suggested', () => {
    expect(suggestLabels(`Bob said that ${'the talks go on and on '.repeat(40)}.`, [])).toEqual([]);
  });

  test('for any text, then a claim never runs past the end of its sentence', () => {
    const sentence = fc.constantFrom('Blinken said Russia is trying hard.', 'Officials said that the talks failed.', 'The plan works, she said.', 'It rained.', 'According to the report, prices rose.', '“We will win,” he said.');
    fc.assert(fc.property(fc.array(sentence, { minLength: 1, maxLength: 8 }), (parts) => {
      const text = parts.join(' ');
      for (const s of suggestLabels(text, [])) {
        expect(s.exact).toBe(text.slice(s.start, s.end));
        if (s.type === 'reported-claim') expect(s.exact).not.toMatch(/[.!?]\s+\S/);
      }
    }), { numRuns: 60 });
  });
});

describe('speakers and roles', () => {
  test('when the name carries a title, then the title is kept apart as the role', () => {
    const [s] = suggestLabels('Secretary of State Antony Blinken said that Russia must de-escalate on the border.', []);
    expect(s).toMatchObject({ speaker: 'Antony Blinken', role: 'Secretary of State' });
  });

  test('when the text names "Antony Blinken" once, then a quote by "Blinken" is credited to Antony Blinken', () => {
    expect(suggestLabels('Antony Blinken spoke. “That would be a phony off-ramp,” Blinken said.', [])[0].speaker).toBe('Antony Blinken');
  });

  test('when the corpus already knows one full name ending in the surname, then that name is used', () => {
    expect(suggestLabels('“That would be a phony off-ramp,” Blinken said.', [], [], ['Antony Blinken', 'Zelensky'])[0].speaker).toBe('Antony Blinken');
  });

  test('when two known names end in the surname, then the surname is left as it is', () => {
    expect(suggestLabels('“That would be a phony off-ramp,” Blinken said.', [], [], ['Antony Blinken', 'Donald Blinken'])[0].speaker).toBe('Blinken');
  });

  test('when a known speaker lists a misspelling as an alias, then the misspelling resolves to the name', () => {
    const text = 'Secretary of State Anthony Blinken said that Russia must de-escalate on the border.';
    expect(suggestLabels(text, [], [], [{ name: 'Antony Blinken', aliases: ['Anthony Blinken'] }])[0].speaker).toBe('Antony Blinken');
  });

  test('when most documents spell a name one way, then that form is the name and a close spelling its alias', () => {
    const forms = [['Antony Blinken', 'Joe Biden'], ['Antony Blinken'], ['Anthony Blinken', 'Hunter Biden']];
    expect(commonNameForms(forms)).toEqual([{ name: 'Antony Blinken', aliases: ['Anthony Blinken'] }]);
    expect(fullNameForms('Secretary of State Anthony Blinken met Ukraine President Volodymyr Zelenskyy.')).toEqual(['Anthony Blinken', 'Volodymyr Zelenskyy']);
  });
});

describe('the seeds, read as a new user would', () => {
  const first = seed('000_b5b79bfe33936fda.txt');
  const known = [{ name: 'Antony Blinken', aliases: ['Anthony Blinken'] }];
  const all = suggestLabels(first, [], [], known);
  const find = (type: string, start: string) => all.find((s) => s.type === type && s.exact.startsWith(start));

  test('when the first article is read, then the lede quote and the "he said" quotes are Blinken’s', () => {
    expect(find('direct-quote', 'rest, refit, regroup, reattack')).toMatchObject({ speaker: 'Antony Blinken', sourcing: 'named', role: 'Secretary of State' });
    expect(find('direct-quote', 'I think the resilience of Ukrainians')).toMatchObject({ speaker: 'Antony Blinken', cue: 'said' });
    expect(find('direct-quote', 'but what I think we have to see')).toMatchObject({ speaker: 'Antony Blinken' });
  });

  test('when the first article is read, then "Blinken said Russia is trying…" is a reported claim', () => {
    expect(find('reported-claim', 'Russia is trying to force Ukraine')).toMatchObject({ exact: 'Russia is trying to force Ukraine to cry uncle by attacking civilian targets and the country’s energy infrastructure more than military targets', speaker: 'Antony Blinken', cue: 'said' });
  });

  test('when the corpus spells the name "Antony Blinken", then the article’s "Anthony Blinken" does not spread', () => {
    expect(all.filter((s) => s.speaker?.includes('Anthony'))).toEqual([]);
  });

  test('when the Axios article is read, then "A French official told reporters" is anonymous', () => {
    const axios = suggestLabels(seed('003_975f8ef28e3c2c11.txt'), []);
    expect(axios.find((s) => s.exact.startsWith('Russia\'s ambition'))).toMatchObject({ type: 'direct-quote', speaker: 'A French official', sourcing: 'anonymous', cue: 'told' });
  });
});

describe('opinion', () => {
  test('when a sentence carries loaded words outside quotes, then it is suggested with the words, their lexicon and a confidence', () => {
    const [s] = suggestLabels('The self-styled experts offered misleading claims again. A calm sentence.', []);
    expect(s).toMatchObject({ type: 'opinion', exact: 'The self-styled experts offered misleading claims again', confidence: 0.8 });
    expect(s.explanation).toBe('the author\'s own words outside quotes: “misleading” (loaded language), “self-styled” (loaded language)');
  });

  test('when the loaded words are inside a quotation or a reported claim, then they are not the author’s opinion', () => {
    expect(suggestLabels('“This is a shameless, disgraceful racket,” the senator said.', []).filter((s) => s.type === 'opinion')).toEqual([]);
    expect(suggestLabels('The senator said the plan was a shameless and disgraceful racket.', []).filter((s) => s.type === 'opinion')).toEqual([]);
  });

  test('when only one clause of a sentence is loaded, then only that clause is suggested', () => {
    const [s] = suggestLabels('The council met on Monday; its arrogance is breathtaking.', []);
    expect(s.exact).toBe('its arrogance is breathtaking');
  });
});

describe('existing labels and rejections', () => {
  test('when a span is already labelled with the same type, or was rejected, then it is not suggested again', () => {
    const text = '“That would be a phony off-ramp,” Blinken said.';
    const [s] = suggestLabels(text, []);
    expect(suggestLabels(text, [{ type: 'direct-quote', start: s.start, end: s.end }])).toEqual([]);
    expect(suggestLabels(text, [], [rejectionKey(s)])).toEqual([]);
    expect(suggestLabels(text, [{ type: 'opinion', start: s.start, end: s.end }])).toHaveLength(1);
  });

  test('when the same text is read twice, then the ids are the same', () => {
    expect(suggestLabels('“That would be a phony off-ramp,” Blinken said.', [])[0].id).toBe('direct-quote:1-31');
  });

  test('for any labels, then the position index answers like comparing every label', () => {
    const span = fc.tuple(fc.nat(300), fc.integer({ min: 1, max: 60 })).map(([start, len]) => ({ start, end: start + len }));
    fc.assert(fc.property(fc.array(span, { maxLength: 60 }), span, (labels, s) => {
      const naive = labels.some((l) => {
        const overlap = Math.min(l.end, s.end) - Math.max(l.start, s.start);
        return overlap > 0 && overlap / Math.max(l.end - l.start, s.end - s.start) >= 0.5;
      });
      expect(new LabelIndex(labels.map((l) => ({ ...l, type: 'opinion' }))).covers('opinion', s)).toBe(naive);
    }), { numRuns: 300 });
  });
});

describe('hostile texts (bounded by construction: output capped, every scan windowed)', () => {
  const TWO_MILLION = 2_000_000;
  const fill = (unit: string) => unit.repeat(Math.ceil(TWO_MILLION / unit.length)).slice(0, TWO_MILLION);

  test.each([
    ['no sentence end', 'Bob said that the talks go on and on '],
    ['unbalanced quotation marks', '“abc def ghi '],
    ['attributed quotes with no line break', '“abc def ghi,” Blinken said. '],
    ['loaded words everywhere', 'The self-styled regime offered misleading propaganda. '],
  ])('when a 2,000,000-character text has %s, then suggestions finish, stay within the text and number at most the cap', (_what, unit) => {
    const text = fill(unit);
    const out = suggestLabels(text, []);
    expect(out.length).toBeLessThanOrEqual(MAX_SUGGESTIONS);
    for (const s of out) expect(text.slice(s.start, s.end)).toBe(s.exact);
  }, 90_000); // a generous ceiling for a loaded machine, not a speed assertion (speed: bench/suggestions.ts)

  test('when a 2,000,000-character text has 28,000 quotes and 100,000 labels, then every labelled quote is left out', () => {
    const unit = '“abc def ghi,” Blinken said. Then more text follows here. ';
    const text = unit.repeat(28_000);
    const labels = Array.from({ length: 100_000 }, (_, i) => ({ type: i % 2 ? 'opinion' : 'direct-quote', start: (i >> 1) * unit.length + 1, end: (i >> 1) * unit.length + 12 }));
    const out = suggestLabels(text, labels);
    expect(out).toHaveLength(0);
  }, 90_000);

  test('when only punctuation stands before ", according to" (a case the property below found), then nothing is suggested and nothing throws', () => {
    expect(suggestLabels(', , according to “', [])).toEqual([]);
    expect(() => suggestLabels('“, according to , ', [])).not.toThrow();
    expect(suggestLabels(', according to officials, the talks failed.', []).every((s) => s.start >= 0 && s.end > s.start)).toBe(true);
  });

  test('for any mix of quotation marks, cues, names, line breaks and loaded words, then every suggestion lies inside the text, matches its words, and never starts or ends inside a word', () => {
    const piece = fc.constantFrom('“', '”', '"', '\n', '\n\n', '. ', ', ', 'said ', 'that ', 'according to ', 'Blinken ', 'he ', 'a senior official ', 'told reporters ', 'it was reported that ', 'the talks failed ', 'shameless ', 'so-called ', 'We will win ', '- ', '**', '[said](#) ');
    fc.assert(fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
      const text = parts.join('');
      const out = suggestLabels(text, []);
      expect(out.length).toBeLessThanOrEqual(MAX_SUGGESTIONS);
      for (const s of out) {
        expect(0 <= s.start && s.start < s.end && s.end <= text.length).toBe(true);
        expect(text.slice(s.start, s.end)).toBe(s.exact);
        expect(/\p{L}/u.test(text[s.start - 1] ?? ' ') && /\p{L}/u.test(text[s.start])).toBe(false);
        expect(s.confidence).toBeGreaterThan(0);
        expect(s.confidence).toBeLessThanOrEqual(1);
      }
    }), { numRuns: 400 });
  });

  test('when a run of over 2,000 characters has no full stop, then no opinion is read in it', () => {
    const run = 'the self-styled regime spread misleading propaganda and '.repeat(40);
    expect(suggestLabels(run, []).filter((s) => s.type === 'opinion')).toEqual([]);
  });

  test('when quotation marks are never closed, then nothing is suggested from them', () => {
    expect(suggestLabels('“abc def ghi '.repeat(200), [])).toEqual([]);
  });
});
