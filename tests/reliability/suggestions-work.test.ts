import { workerLoad, workerStats } from '../../server/services/domain-worker.js';
import { SUGGESTIONS_WORKER_THRESHOLD, suggestionWork } from '../../server/services/suggestions.js';
import { startTestApp } from '../helpers/app.js';

/**
 * Suggestions for a large text are computed on the domain worker thread (the server keeps
 * answering), once per revision and label set: listing again, accepting and rejecting reuse them.
 */
type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.cleanup());

const CLAIM = 'Mayor Helen Brandt said the bridge would open in May.';
const INTRO = 'Mayor Helen Brandt opened the bridge.';
const QUOTE = '“The bridge will carry trams by May,” she said.';
const prose = (chars: number) => 'The river was calm and the weather was mild for the time of year.\n'.repeat(Math.ceil(chars / 66)).slice(0, chars);

async function createDoc(text: string): Promise<string> {
  const res = await t.http.post('/api/documents').send({ title: 'long', text });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const until = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 2));
};

describe('suggestions of a large document', () => {
  test('when a 2,000,000-character document’s suggestions are being computed, then another request is answered before them, and the job ran on the worker thread', async () => {
    // Over 300,000 characters the plain tokenizer reads the text; "she" at the end is the mayor named at the start.
    const text = `${INTRO}\n${prose(2_000_000 - INTRO.length - QUOTE.length - 2)}\n${QUOTE}`;
    expect(text.length).toBe(2_000_000);
    const big = await createDoc(text);
    const small = await createDoc('A short note. Nothing else.');
    expect(suggestionWork(t.store.get(big)!)).toBeGreaterThan(SUGGESTIONS_WORKER_THRESHOLD);
    const jobsBefore = workerStats.jobs;
    const finished: string[] = [];

    const suggestions = t.http.get(`/api/documents/${big}/suggestions`).then((res) => {
      finished.push('suggestions');
      return res;
    });
    await until(() => workerLoad.pending > 0); // the job is on the worker thread now
    const probe = await t.http.get(`/api/documents/${small}`);
    finished.push('probe');
    const res = await suggestions;

    expect(probe.status).toBe(200);
    expect(finished).toEqual(['probe', 'suggestions']);
    expect(res.status).toBe(200);
    expect(res.body.map((s: { exact: string; speaker?: string }) => [s.exact, s.speaker])).toEqual([['The bridge will carry trams by May', 'Helen Brandt']]);
    expect(workerStats.jobs - jobsBefore).toBe(1);
  }, 60_000);

  test('when the suggestions are listed again, accepted and listed after the accept, then only the label change computes them again', async () => {
    const id = await createDoc(`${prose(120_000)}\n${CLAIM}`);
    const jobs0 = workerStats.jobs;
    const [first] = (await t.http.get(`/api/documents/${id}/suggestions`).expect(200)).body as { id: string; exact: string }[];
    expect(first.exact).toBe('the bridge would open in May');
    expect(workerStats.jobs - jobs0).toBe(1);

    await t.http.get(`/api/documents/${id}/suggestions`).expect(200);
    await t.http.get(`/api/documents/${id}/suggestions?minConfidence=0.5`).expect(200);
    expect(workerStats.jobs - jobs0).toBe(1); // cached

    const label = await t.http.post(`/api/documents/${id}/suggestions/${first.id}/accept`).send({ rev: 1 });
    expect(label.status).toBe(201);
    expect(label.body).toMatchObject({ type: 'reported-claim', speaker: 'Helen Brandt' });
    expect(workerStats.jobs - jobs0).toBe(1); // the accept found it in the cache

    expect((await t.http.get(`/api/documents/${id}/suggestions`).expect(200)).body).toEqual([]);
    expect(workerStats.jobs - jobs0).toBe(2); // a new label set: computed again
  }, 60_000);

  test('when a suggestion of a large document is rejected, then the lookup reuses the list and the next list, computed again, leaves it out', async () => {
    const id = await createDoc(`${prose(120_000)}\n${CLAIM}`);
    const jobs0 = workerStats.jobs;
    const [first] = (await t.http.get(`/api/documents/${id}/suggestions`).expect(200)).body as { id: string }[];
    await t.http.post(`/api/documents/${id}/suggestions/${first.id}/reject`).send({}).expect(200);
    expect(workerStats.jobs - jobs0).toBe(1);
    expect((await t.http.get(`/api/documents/${id}/suggestions`).expect(200)).body).toEqual([]);
    expect(workerStats.jobs - jobs0).toBe(2);
  }, 60_000);

  test('when a document is small, then its suggestions are computed on the request’s thread', async () => {
    const id = await createDoc(CLAIM);
    const jobs0 = workerStats.jobs;
    const res = await t.http.get(`/api/documents/${id}/suggestions`).expect(200);
    expect(res.body.map((s: { speaker?: string }) => s.speaker)).toEqual(['Helen Brandt']);
    expect(workerStats.jobs).toBe(jobs0);
  });
});
