import express from 'express';
import supertest from 'supertest';
import { sendJsonInSlices } from '../../server/routes/json-answer.js';
import { startTestApp } from '../helpers/app.js';

// A large answer serialised in slices must reach the client exactly as res.json would send it:
// same bytes, same headers, the same 304 for a cached copy.

const value = {
  id: 'doc-1',
  meta: { title: 'Budget "2026" — ünïcødé 🙂' },
  text: 'Plain words, "quoted" \u2028 <script>\n'.repeat(500),
  labels: Array.from({ length: 300 }, (_, i) => ({ id: `l-${i}`, start: i, end: i + 5, quote: { exact: `q ${i} 🙂` }, note: i % 2 ? undefined : 'n' })),
};

function pair(etag?: boolean | string) {
  const app = express();
  if (etag !== undefined) app.set('etag', etag);
  app.get('/plain', (_req, res) => void res.json(value));
  app.get('/sliced', async (req, res) => sendJsonInSlices(req, res, value));
  return supertest(app);
}

const SAME = ['content-type', 'content-length', 'etag'];

describe('answers serialised in slices', () => {
  it.each([[undefined], ['strong'], [false]])('when the app etag setting is %p, then bytes and headers equal those of res.json', async (setting) => {
    const http = pair(setting as boolean | string | undefined);
    const plain = await http.get('/plain').buffer(true).parse((res, cb) => { const c: Buffer[] = []; res.on('data', (d: Buffer) => c.push(d)); res.on('end', () => cb(null, Buffer.concat(c))); });
    const sliced = await http.get('/sliced').buffer(true).parse((res, cb) => { const c: Buffer[] = []; res.on('data', (d: Buffer) => c.push(d)); res.on('end', () => cb(null, Buffer.concat(c))); });
    expect(sliced.status).toBe(200);
    expect((sliced.body as Buffer).equals(plain.body as Buffer)).toBe(true);
    expect((sliced.body as Buffer).toString('utf8')).toBe(JSON.stringify(value));
    for (const h of SAME) expect([h, sliced.headers[h]]).toEqual([h, plain.headers[h]]);
    if (setting === false) expect(sliced.headers.etag).toBeUndefined();
    else expect(sliced.headers.etag).toMatch(setting === 'strong' ? /^"/ : /^W\/"/);
  });

  it('when the client already has that answer (If-None-Match), then both answer 304 with no body; HEAD has the headers and no body', async () => {
    const http = pair();
    const { headers } = await http.get('/plain');
    const cached = await http.get('/sliced').set('If-None-Match', headers.etag);
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    const head = await http.head('/sliced');
    const plainHead = await http.head('/plain');
    expect(head.status).toBe(200);
    expect(head.text).toBeUndefined();
    for (const h of SAME) expect([h, head.headers[h]]).toEqual([h, plainHead.headers[h]]);
  });

  it('when a document with labels is asked for through the API, then the answer is its JSON view and revalidates with its ETag', async () => {
    const t = await startTestApp();
    try {
      const created = await t.http.post('/api/documents').send({ text: 'The minister said the budget passed. '.repeat(50) }).expect(201);
      const id = created.body.id as string;
      for (let i = 0; i < 20; i++) await t.http.post(`/api/documents/${id}/labels`).send({ type: 'direct-quote', start: i * 37, end: i * 37 + 12, rev: 1 }).expect(201);
      const res = await t.http.get(`/api/documents/${id}`).expect(200);
      const doc = (await t.store.getDocument(id))!;
      const latest = doc.revisions[doc.revisions.length - 1];
      expect(res.text).toBe(JSON.stringify({ id, meta: doc.meta, rev: latest.rev, text: latest.text, labels: doc.labels }));
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
      await t.http.get(`/api/documents/${id}`).set('If-None-Match', res.headers.etag).expect(304);
    } finally {
      await t.cleanup();
    }
  });
});
