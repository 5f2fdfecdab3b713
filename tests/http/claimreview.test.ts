import { startTestApp, expectDataUntouchedAfterEach, readDocFile } from '../helpers/app.js';
import type { Label } from '../../server/domain/types.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const TEXT = 'Secretary of State Ann Lee said: “Crime fell by half last year.” Officials claimed that the bridge was finished in May. This plan is a reckless disaster.';

async function setUp(t: App) {
  const doc = (await t.http.post('/api/documents').send({ title: 'Crime and bridges', outlet: 'Ledger', publishedAt: '2024-03-05', url: 'https://ledger.example/crime', text: TEXT }).expect(201)).body as { id: string };
  const make = async (words: string, type: string, extra: Record<string, string> = {}) => {
    const start = TEXT.indexOf(words);
    return (await t.http.post(`/api/documents/${doc.id}/labels`).send({ start, end: start + words.length, type, rev: 1, ...extra }).expect(201)).body as Label;
  };
  const quote = await make('Crime fell by half last year.', 'direct-quote', { speaker: 'Secretary of State Ann Lee', cue: 'said', sourcing: 'named' });
  const claim = await make('the bridge was finished in May.', 'reported-claim', { cue: 'claimed', sourcing: 'anonymous' });
  const opinion = await make('This plan is a reckless disaster.', 'opinion');
  return { docId: doc.id, quote, claim, opinion };
}

describe('claim verdicts and ClaimReview', () => {
  let t: App;
  let s: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    t = await startTestApp();
    s = await setUp(t);
    await t.http.patch(`/api/speakers/${s.quote.speakerId}`).send({ wikidata: 'Q12345' }).expect(200);
    await t.http.put('/api/verdict-settings').send({ scale: ['true', 'mostly true', 'mixed', 'mostly false', 'false', 'unverifiable'], unratable: ['unverifiable'], organization: { name: 'Ledger Fact Desk', url: 'https://factdesk.example' } }).expect(200);
  });
  afterAll(() => t.cleanup());

  test('when an editor gives a quote a verdict, then it is stored on the label with who and when, and the history records it', async () => {
    const res = await t.http.put(`/api/documents/${s.docId}/labels/${s.quote.id}/verdict`).send({ rating: 'mostly false', summary: 'Crime fell by 12%, not half.', evidence: ['https://stats.example/crime-2023'] }).expect(200);
    expect(res.body.verdict).toMatchObject({ rating: 'mostly false', summary: 'Crime fell by 12%, not half.', evidence: ['https://stats.example/crime-2023'], by: 'admin' });
    const doc = await readDocFile(t.dataDir, s.docId);
    expect(doc.labels.find((l) => l.id === s.quote.id)!.verdict!.rating).toBe('mostly false');
    expect(doc.events.filter((e) => e.kind === 'label.verdict')).toHaveLength(1);
  });

  test('when ClaimReview is exported, then each verdict is one JSON-LD object with every field Google requires and recommends', async () => {
    await t.http.put(`/api/documents/${s.docId}/labels/${s.claim.id}/verdict`).send({ rating: 'unverifiable' }).expect(200);
    const res = await t.http.get('/api/export?format=claimreview').expect(200);
    expect(res.type).toBe('application/ld+json');
    const items = JSON.parse(res.text) as Record<string, any>[];
    expect(items).toHaveLength(2);
    const [q, c] = items;
    for (const item of items) {
      expect(item['@context']).toBe('https://schema.org');
      expect(item['@type']).toBe('ClaimReview');
      // Google: required claimReviewed, reviewRating (with alternateName), url
      expect(typeof item.claimReviewed).toBe('string');
      expect(typeof item.reviewRating.alternateName).toBe('string');
      expect(item.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/documents\//);
    }
    expect(q.claimReviewed).toBe('Crime fell by half last year.');
    expect(q.url).toMatch(new RegExp(`/documents/${s.docId}#label-${s.quote.id}$`));
    expect(q.reviewRating).toEqual({ '@type': 'Rating', ratingValue: 2, bestRating: 5, worstRating: 1, alternateName: 'mostly false' });
    expect(q.author).toEqual({ '@type': 'Organization', name: 'Ledger Fact Desk', url: 'https://factdesk.example' });
    expect(q.datePublished).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(q.reviewBody).toBe('Crime fell by 12%, not half.');
    expect(q.itemReviewed).toEqual({
      '@type': 'Claim',
      author: { '@type': 'Person', name: 'Ann Lee', sameAs: ['https://www.wikidata.org/wiki/Q12345'] },
      datePublished: '2024-03-05',
      appearance: { '@type': 'CreativeWork', headline: 'Crime and bridges', url: 'https://ledger.example/crime', datePublished: '2024-03-05', publisher: { '@type': 'Organization', name: 'Ledger' } },
    });
    // an unratable rating keeps its name and the scale, without a number
    expect(c.reviewRating).toEqual({ '@type': 'Rating', bestRating: 5, worstRating: 1, alternateName: 'unverifiable' });
    expect(c.itemReviewed.author).toBeUndefined();
  });

  test('when the speaker page is opened, then it lists the verdict', async () => {
    const html = (await t.http.get(`/speakers/${s.quote.speakerId}`).expect(200)).text;
    expect(html).toContain('mostly false');
    expect(html).toContain('Crime fell by 12%, not half.');
  });
});

describe('refused verdicts', () => {
  let t: App;
  let s: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    t = await startTestApp();
    s = await setUp(t);
    // a revision that drops the claim's words: the claim label is orphaned, the others move
    await t.http.put(`/api/documents/${s.docId}/text`).send({ text: 'Secretary of State Ann Lee said: “Crime fell by half last year.” This plan is a reckless disaster.', baseRev: 1 }).expect(201);
  });
  afterAll(() => t.cleanup());
  expectDataUntouchedAfterEach(() => t);

  const put = (labelId: string, body: unknown) => t.http.put(`/api/documents/${s.docId}/labels/${labelId}/verdict`).send(body as object);

  test('when the label is an opinion, then it is a 400 saying only quotes and claims can be rated', async () => {
    const res = await put(s.opinion.id, { rating: 'false' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('only direct quotes and reported claims');
  });

  test('when the label has no text (orphaned by a revision), then it is a 400', async () => {
    const label = (await readDocFile(t.dataDir, s.docId)).labels.find((l) => l.id === s.claim.id)!;
    expect(label.anchor.state).toBe('orphaned');
    const res = await put(s.claim.id, { rating: 'false' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('no text');
  });

  test.each([
    ['a rating outside the scale', { rating: 'pants on fire' }, 'not on the project\'s scale'],
    ['a javascript: evidence URL', { rating: 'false', evidence: ['javascript:alert(1)'] }, 'evidence.0'],
    ['a relative evidence URL', { rating: 'false', evidence: ['/local/page'] }, 'evidence.0'],
    ['a ftp evidence URL', { rating: 'false', evidence: ['ftp://files.example/x'] }, 'not an http(s) URL'],
    ['a summary of two lines', { rating: 'false', summary: 'one\ntwo' }, 'summary'],
    ['an unknown field', { rating: 'false', score: 3 }, 'score'],
  ])('when the verdict has %s, then it is a 400 naming what is wrong', async (_what, body, message) => {
    const res = await put(s.quote.id, body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });

  test('when the label does not exist, then it is a 404', async () => {
    expect((await put('nope', { rating: 'false' })).status).toBe(404);
  });

  test('when the settings scale is too short or the organisation URL is not http(s), then it is a 400', async () => {
    expect((await t.http.put('/api/verdict-settings').send({ scale: ['true'], organization: { name: 'X' } })).status).toBe(400);
    expect((await t.http.put('/api/verdict-settings').send({ scale: ['true', 'false'], organization: { name: 'X', url: 'mailto:x@example.org' } })).status).toBe(400);
  });
});
