/**
 * The suggestions' language model (wink-nlp) is loaded when the server starts listening
 * (server/main.ts calls warmUpSuggestionModel), not during the first suggestions request.
 */
import { isModelLoaded } from '../../server/domain/suggestions/text-analysis.js';
import { warmUpSuggestionModel } from '../../server/services/domain-worker.js';
import { suggestLabels } from '../../server/domain/suggestions.js';

describe('suggestions model warm-up', () => {
  it('when nothing has asked for suggestions, then the model is not loaded; after the warm-up it is, and suggestions use it', () => {
    expect(isModelLoaded()).toBe(false);
    warmUpSuggestionModel();
    expect(isModelLoaded()).toBe(true);
    const text = 'The minister said the bridge would reopen in May.';
    const found = suggestLabels(text, [], [], []);
    expect(found.some((s) => text.slice(s.start, s.end).includes('the bridge would reopen in May'))).toBe(true);
  });
});
