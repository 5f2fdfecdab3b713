import { whenIdle } from '../../server/services/suggestions.js';
import { startTestApp, FIRST_SEED } from '../helpers/app.js';

describe('the editor credits suggestions with the corpus\'s spellings', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
    await whenIdle(t.store); // the corpus's spellings are read off the texts in the background
  });
  afterAll(() => t.cleanup());

  test('when the first seed (which misspells "Anthony Blinken") is opened, then its suggestions on the page credit "Antony Blinken", as the API does', async () => {
    const api = (await t.http.get(`/api/documents/${FIRST_SEED}/suggestions`).expect(200)).body as { speaker?: string }[];
    const apiSpeakers = [...new Set(api.map((s) => s.speaker).filter((s): s is string => !!s && /blinken/i.test(s)))];
    expect(apiSpeakers).toEqual(['Antony Blinken']);
    const page = (await t.http.get(`/documents/${FIRST_SEED}`).expect(200)).text;
    const credited = [...page.matchAll(/<p class="sugg-attr">([^<·]*?)\s*(?:·|<)/g)].map((m) => m[1].trim()).filter((s) => /blinken/i.test(s));
    expect(credited.length).toBeGreaterThan(0);
    expect([...new Set(credited)]).toEqual(['Antony Blinken']);
  });
});
