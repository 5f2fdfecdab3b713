import { startTestApp, snapshotDir } from '../helpers/app.js';

const BLINKEN_1 = '000_b5b79bfe33936fda';
const TURAN = '001_b1fe9c773694e9ae';

describe('compare, outlet and speaker pages', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
    // through the API, so the speaker is resolved to a speaker entity like any label
    const add = (doc: string, body: object) => t.http.post(`/api/documents/${doc}/labels`).send({ rev: 1, ...body }).expect(201);
    await add(BLINKEN_1, { type: 'direct-quote', start: 158, end: 188, speaker: 'Antony Blinken', cue: 'warning', sourcing: 'named' });
    await add(TURAN, { type: 'direct-quote', start: 635, end: 672, speaker: 'Antony Blinken', cue: 'said', sourcing: 'named' });
    await add(TURAN, { type: 'reported-claim', start: 979, end: 1026, speaker: 'Antony Blinken', cue: 'wants to ensure', sourcing: 'anonymous' });
  });
  afterAll(() => t.cleanup());

  const clusterId = async () => (await t.http.get('/api/compare').expect(200)).body[0].id as string;

  test('when /compare is opened, then it lists the statement with its outlets and links to it, and the outlets and speakers', async () => {
    const res = await t.http.get('/compare').expect(200);
    expect(res.text).toContain(`<a class="cluster-quote" href="/compare/${await clusterId()}">“rest, refit, regroup, reattack”</a>`);
    expect(res.text).toContain('1 statement shown.');
    expect(res.text).toContain('<a href="/outlets/Global%20Research">Global Research</a>');
    expect(res.text).toContain('<a href="/speakers/Antony%20Blinken">Antony Blinken</a>');
  });

  test('when a statement is opened, then each rendering shows its outlet, label, context and the word diff', async () => {
    const res = await t.http.get(`/compare/${await clusterId()}`).expect(200);
    expect(res.text).toContain('<a class="outlet" href="/outlets/TURAN">TURAN</a>');
    expect(res.text).toContain('<span class="chip unlabelled">not labelled</span>');
    expect(res.text).toContain('This document carries the statement but nobody labelled it here.');
    expect(res.text).toContain('<span class="chip reference">reference · closest to verbatim</span>');
    expect(res.text).toContain('<span>rest, refit, </span><del>regroup, </del><ins>and eventually </ins><span>re-attack</span>');
    expect(res.text).toContain('to <mark class="rendering">rest, refit, and eventually re-attack</mark>,” he said of Putin');
  });

  test('when an outlet page is opened, then it draws SVG charts with text labels and its figures', async () => {
    const res = await t.http.get('/outlets/turan').expect(200);
    expect(res.text).toContain('<h1>TURAN</h1>');
    expect((res.text.match(/<svg class="chart"/g) ?? []).length).toBe(3);
    expect(res.text).toContain('<rect class="bar t-direct-quote"');
    expect(res.text).toContain('>said (neutral)</text>');
    expect(res.text).toContain('>wants (unknown)</text>');
    expect(res.text).toContain('<tr><th>Reported claims</th><td class="num">0</td><td class="num">1</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">1</td></tr>');
    expect(res.text).toContain('1 statement shared with other documents');
  });

  test('when a speaker page is opened, then it lists the statements with date, outlet and a compare link', async () => {
    const byName = await t.http.get('/speakers/antony%20blinken').expect(302);
    expect(byName.headers.location).toMatch(/^\/speakers\/sp-[0-9a-f-]{36}$/);
    const res = await t.http.get(byName.headers.location).expect(200);
    expect(res.text).toContain('<h1>Antony Blinken</h1>');
    expect(res.text.match(/<td class="statement">/g)).toHaveLength(3);
    expect(res.text).toMatch(new RegExp(`<a href="/compare/${await clusterId()}">(verbatim|cut|altered|reference)</a>`));
  });

  test('when an outlet name has a space, then its URL-encoded page opens', async () => {
    const res = await t.http.get('/outlets/Global%20Research').expect(200);
    expect(res.text).toContain('<h1>Global Research</h1>');
  });

  test.each([
    ['/outlets/Nobody%20Here', 'no document has the outlet &#34;Nobody Here&#34;'],
    ['/speakers/Nobody', 'no speaker &#34;Nobody&#34;'],
    ['/compare/s123456789abc', 'no statement with id &#34;s123456789abc&#34;'],
  ])('when %s is unknown, then it is a 404 page that says so and nothing on disk changes', async (url, message) => {
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.get(url).expect(404);
    expect(res.text).toContain(message);
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when a filter is invalid on the page, then it is a 400 page with the reason', async () => {
    const res = await t.http.get('/compare?type=nope').expect(400);
    expect(res.text).toContain('type: unknown label type &#34;nope&#34;');
  });
});
