import { startTestApp, readDocFile, snapshotDir, FIRST_SEED } from '../helpers/app.js';
import { makeLabel } from '../../server/domain/labels.js';
import { latestRevision } from '../../server/domain/types.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('revision pages', () => {
  let t: TestApp;
  let text: string;
  beforeEach(async () => {
    t = await startTestApp({ seeds: true });
    text = latestRevision(t.store.get(FIRST_SEED)!).text;
    await t.store.update(FIRST_SEED, (d) => {
      const exact = 'rest, refit, regroup, reattack';
      const start = text.indexOf(exact);
      d.labels.push(makeLabel(d, { id: 'lab-1', type: 'direct-quote', start, end: start + exact.length }, 'tester', '2026-01-01T00:00:00.000Z'));
    });
  });
  afterEach(() => t.cleanup());

  test('when the edit page is opened, then it holds the current text and the revision it is based on', async () => {
    const res = await t.http.get(`/documents/${FIRST_SEED}/edit`).expect(200);
    expect(res.text).toContain('<input type="hidden" name="baseRev" value="1">');
    expect(res.text).toContain('Saving creates revision 2.');
    expect(res.text).toContain('rest, refit, regroup, reattack');
  });

  test('when the edit form is submitted, then a revision is created and the browser goes to its report', async () => {
    const edited = text.replace('rest, refit, regroup, reattack', 'rest, refit, regroup and reattack');
    const res = await t.http.post(`/documents/${FIRST_SEED}/edit`).type('form').send({ text: edited, message: 'quote fixed', baseRev: '1' }).expect(303);
    expect(res.headers.location).toBe(`/documents/${FIRST_SEED}/revisions/2?saved=1#report`);

    const page = await t.http.get(`/documents/${FIRST_SEED}/revisions/2?saved=1`).expect(200);
    expect(page.text).toContain('Revision 2 saved.');
    expect(page.text).toContain('What happened to the labels');
    expect(page.text).toMatch(/<li class="state-fuzzy"><strong>1<\/strong> needs review<\/li>/);
    expect(page.text).toContain('rest, refit, regroup and reattack');
    const file = await readDocFile(t.dataDir, FIRST_SEED);
    expect(file.revisions.map((r) => [r.rev, r.message])).toEqual([[1, file.revisions[0].message], [2, 'quote fixed']]);
    expect(file.labels[0].anchor.state).toBe('fuzzy');
  });

  test('when the edit form is based on a stale revision, then 409 keeps the typed text, explains, and writes nothing', async () => {
    await t.http.put(`/api/documents/${FIRST_SEED}/text`).send({ text: 'Someone else rewrote it.', baseRev: 1 }).expect(201);
    const before = await snapshotDir(t.dataDir);

    const res = await t.http.post(`/documents/${FIRST_SEED}/edit`).type('form').send({ text: 'My own version.', message: '', baseRev: '1' }).expect(409);

    expect(res.text).toContain('the text was revised meanwhile: you edited revision 1, the latest is revision 2');
    expect(res.text).toContain('My own version.</textarea>');
    expect(res.text).toContain('<input type="hidden" name="baseRev" value="2">');
    expect(res.text).toContain(`href="/documents/${FIRST_SEED}/diff?from=1&amp;to=2"`);
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when the edit form has no text field, then 400 and nothing is written', async () => {
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.post(`/documents/${FIRST_SEED}/edit`).type('form').send({ message: 'x', baseRev: '1' }).expect(400);
    expect(res.text).toContain('the form has no &#34;text&#34; field: the full new text is required');
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when the submitted text is unchanged, then no revision is made and the page says so', async () => {
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.post(`/documents/${FIRST_SEED}/edit`).type('form').send({ text, baseRev: '1' }).expect(200);
    expect(res.text).toContain('The text is the same as the latest revision, so no revision was created.');
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when two revisions exist, then the list links both and the diff page shows marks, both sides and the label changes', async () => {
    const edited = text.replace('rest, refit, regroup, reattack', 'rest, refit, regroup and reattack');
    await t.http.put(`/api/documents/${FIRST_SEED}/text`).send({ text: edited, baseRev: 1 }).expect(201);

    const list = await t.http.get(`/documents/${FIRST_SEED}/revisions`).expect(200);
    expect(list.text).toContain(`href="/documents/${FIRST_SEED}/revisions/1"`);
    expect(list.text).toContain(`href="/documents/${FIRST_SEED}/revisions/2"`);
    expect(list.text).toContain(`action="/documents/${FIRST_SEED}/diff"`);

    const diff = await t.http.get(`/documents/${FIRST_SEED}/diff?from=1&to=2`).expect(200);
    expect(diff.text).toContain('<del>,</del><ins> and</ins>');
    expect(diff.text).toContain('<span class="change k-text-changed">text changed</span>');
    expect(diff.text).toContain('data-label="lab-1"');
    expect(diff.text).toContain('<h3>Revision 1</h3>');
    expect(diff.text).toContain('<h3>Revision 2</h3>');
  });

  test('when an old revision is viewed, then it is read-only with its labels as they were', async () => {
    await t.http.put(`/api/documents/${FIRST_SEED}/text`).send({ text: 'All new text.', baseRev: 1 }).expect(201);
    const res = await t.http.get(`/documents/${FIRST_SEED}/revisions/1`).expect(200);
    expect(res.text).toContain('Read-only: this is how revision 1 read');
    expect(res.text).toContain('<span class="hl t-direct-quote lane-0" data-label="lab-1">rest, refit, regroup, reattack</span>');
    const latest = await t.http.get(`/documents/${FIRST_SEED}/revisions/2`).expect(200);
    expect(latest.text).toContain('<li class="state-orphaned"><strong>1</strong> orphaned</li>');
  });

  test.each([
    ['/revisions/x', 400, 'rev must be a revision number (1 to 1), not &#34;x&#34;'],
    ['/revisions/5', 404, 'has no revision 5; its revisions are 1 to 1'],
    ['/diff?from=1&to=two', 400, 'to must be a revision number (1 to 1), not &#34;two&#34;'],
  ])('when GET %s, then an error page with status %i', async (path, status, message) => {
    const res = await t.http.get(`/documents/${FIRST_SEED}${path}`).expect(status);
    expect(res.text).toContain(message);
  });
});
