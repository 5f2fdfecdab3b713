import { startTestApp, expectDataUntouchedAfterEach, type TestClient } from '../helpers/app.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/**
 * A small corpus whose figures are counted by hand below. Ledger's article is labelled by two
 * annotators (ann: 4 labels, bob: 1): only ann's layer counts. The bridge quote is shared; the
 * Courier renders it cut ("northern" dropped).
 */
const L1 = 'Ann Lee said: “We will finish the northern bridge before the winter floods arrive next year.” A source claimed “the budget is gone.” Officials told reporters that the council had already approved the loan. This reckless plan is a disaster.';
const C1 = 'Mayor Ann Lee admitted: “We will finish the bridge before the winter floods arrive next year.” The council minutes say the loan was approved in March.';
const C2 = 'Nothing quoted here at all today.';

async function label(client: TestClient, docId: string, text: string, words: string, type: string, extra: Record<string, string>) {
  const start = text.indexOf(words);
  if (start < 0) throw new Error(`fixture: "${words}" not in text`);
  await client.post(`/api/documents/${docId}/labels`).send({ start, end: start + words.length, type, rev: 1, ...extra }).expect(201);
}

export async function outletFixture(t: App) {
  const ann = await t.as('ann', 'editor');
  const bob = await t.as('bob', 'editor');
  const post = async (outlet: string, text: string, publishedAt?: string) => ((await t.http.post('/api/documents').send({ title: `${outlet} ${publishedAt ?? ''}`, outlet, text, ...(publishedAt ? { publishedAt } : {}) }).expect(201)).body as { id: string }).id;
  const l1 = await post('Ledger', L1, '2024-01-10');
  const c1 = await post('Courier', C1, '2024-02-05');
  await post('Courier', C2);
  await label(ann, l1, L1, 'We will finish the northern bridge before the winter floods arrive next year.', 'direct-quote', { speaker: 'Ann Lee', cue: 'said', sourcing: 'named' });
  await label(ann, l1, L1, 'the budget is gone.', 'direct-quote', { cue: 'claimed', sourcing: 'anonymous' });
  await label(ann, l1, L1, 'the council had already approved the loan.', 'reported-claim', { cue: 'told reporters', sourcing: 'anonymous' });
  await label(ann, l1, L1, 'This reckless plan is a disaster.', 'opinion', {});
  await label(bob, l1, L1, 'We will finish the northern bridge before the winter floods arrive next year.', 'direct-quote', { speaker: 'Bo Park', cue: 'averred', sourcing: 'anonymous' });
  await label(ann, c1, C1, 'We will finish the bridge before the winter floods arrive next year.', 'direct-quote', { speaker: 'Mayor Ann Lee', cue: 'admitted', sourcing: 'named' });
  await label(ann, c1, C1, 'the loan was approved in March.', 'reported-claim', { cue: 'say', sourcing: 'document' });
  return { l1, c1 };
}

const len = (s: string) => s.length;

describe('the outlet table on a hand-counted corpus', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp();
    await outletFixture(t);
  });
  afterAll(() => t.cleanup());

  test('when the table is asked for, then every figure equals the hand count, and the document labelled by two annotators counts once', async () => {
    const rows = (await t.http.get('/api/outlets').expect(200)).body as Record<string, any>[];
    expect(rows.map((r) => r.outlet)).toEqual(['Courier', 'Ledger']);
    const [courier, ledger] = rows;
    expect(ledger.documents).toBe(1);
    expect(ledger.chars).toBe(L1.length);
    expect(ledger.text.quote).toEqual({ count: len('We will finish the northern bridge before the winter floods arrive next year.') + len('the budget is gone.'), n: L1.length, share: (77 + 19) / L1.length });
    expect(ledger.text.claim.count).toBe(len('the council had already approved the loan.'));
    expect(ledger.text.opinion.count).toBe(len('This reckless plan is a disaster.'));
    expect(ledger.sourcing.quote).toEqual({ named: 1, anonymous: 1, document: 0, unattributed: 0, unset: 0, n: 2 });
    expect(ledger.sourcing.claim).toEqual({ named: 0, anonymous: 1, document: 0, unattributed: 0, unset: 0, n: 1 });
    expect(ledger.sourcing.all).toEqual({ named: 1, anonymous: 2, document: 0, unattributed: 0, unset: 0, n: 3 });
    // said (neutral), claimed (loaded), told (neutral); bob's "averred" is not counted
    expect(ledger.verbs).toMatchObject({ neutral: 2, descriptive: 0, unknown: 0, loaded: { count: 1, n: 3, share: 1 / 3 } });
    expect(ledger.anonymousQuotes).toEqual({ count: 1, n: 2, share: 0.5 });
    // its rendering of the shared quote is the reference (closest to verbatim): nothing to compare
    expect(ledger.rendering).toEqual({ verbatim: 0, cut: 0, altered: 0, n: 0, changed: { count: 0, n: 0, share: null } });
    expect(ledger.speakers).toBe(1);

    expect(courier.documents).toBe(2);
    expect(courier.chars).toBe(C1.length + C2.length);
    expect(courier.sourcing.quote).toEqual({ named: 1, anonymous: 0, document: 0, unattributed: 0, unset: 0, n: 1 });
    expect(courier.sourcing.claim).toEqual({ named: 0, anonymous: 0, document: 1, unattributed: 0, unset: 0, n: 1 });
    expect(courier.verbs).toMatchObject({ neutral: 1, loaded: { count: 1, n: 2, share: 0.5 } });
    expect(courier.anonymousQuotes).toEqual({ count: 0, n: 1, share: 0 });
    expect(courier.rendering).toEqual({ verbatim: 0, cut: 1, altered: 0, n: 1, changed: { count: 1, n: 1, share: 1 } });
    expect(courier.speakers).toBe(1);
  });

  test('when asked by month, then each outlet has one row per month of publication and one for undated documents', async () => {
    const rows = (await t.http.get('/api/outlets?by=month').expect(200)).body as { outlet: string; month: string; documents: number }[];
    expect(rows.map((r) => [r.outlet, r.month, r.documents])).toEqual([['Courier', '2024-02', 1], ['Courier', 'undated', 1], ['Ledger', '2024-01', 1]]);
  });

  test('when asked for CSV, then shares come with their count and n columns', async () => {
    const res = await t.http.get('/api/outlets?format=csv&sort=loadedVerbs&dir=desc').expect(200);
    expect(res.type).toBe('text/csv');
    const [header, first, second] = res.text.trim().split('\n').map((l) => l.split(','));
    expect(header.slice(0, 3)).toEqual(['outlet', 'month', 'documents']);
    const at = header.indexOf('loadedVerbs');
    expect([first[0], first[at], first[at + 1], first[at + 2]]).toEqual(['Courier', '0.5', '1', '2']);
    expect([second[0], second[at], second[at + 1], second[at + 2]]).toEqual(['Ledger', '0.3333', '1', '3']);
  });

  test('when the page is sorted by anonymous quotes, then Ledger comes first and every share shows its n', async () => {
    const html = (await t.http.get('/outlets?sort=anonymousQuotes&dir=desc').expect(200)).text;
    expect(html.indexOf('data-outlet="Ledger"')).toBeLessThan(html.indexOf('data-outlet="Courier"'));
    expect(html).toContain('50.0% <span class="muted small">(1/2)</span>');
    expect(html).toContain('<svg class="chart month-chart"');
    expect(html).toMatch(/href="\/outlets"[^>]*>Outlets<\/a>/);
    expect(html).toMatch(/href="\/speakers"[^>]*>Speakers<\/a>/);
  });

  test('when an outlet page is opened, then sourcing is shown for quotes and claims both', async () => {
    const html = (await t.http.get('/outlets/Ledger').expect(200)).text;
    expect(html).toContain('Direct quotes');
    expect(html).toContain('Reported claims');
  });
});

describe('refused outlet queries', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.cleanup());
  expectDataUntouchedAfterEach(() => t);

  test.each([
    ['/api/outlets?sort=nonsense', 'sort'],
    ['/api/outlets?dir=up', 'dir'],
    ['/api/outlets?format=xml', 'format'],
    ['/api/outlets?by=year', 'by'],
    ['/outlets?figure=outlet', 'figure'],
  ])('when %s is asked for, then it is a 400 naming the parameter', async (url, param) => {
    const res = await t.http.get(url);
    expect(res.status).toBe(400);
    expect(res.text).toContain(param);
  });

  test('when an outlet no document has is opened, then it is a 404', async () => {
    expect((await t.http.get('/outlets/Nobody').expect(404)).status).toBe(404);
  });
});
