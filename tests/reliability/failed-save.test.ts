import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIRST_SEED, readDocFile, startTestApp } from '../helpers/app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ seeds: true });
});
afterEach(() => t.cleanup());

/** A plain file where the documents folder was: every save fails (tests run as root, so permissions would not). */
async function breakFolder(): Promise<void> {
  const docs = join(t.dataDir, 'documents');
  await rename(docs, `${docs}.away`);
  await writeFile(docs, 'not a folder');
}
async function mendFolder(): Promise<void> {
  const docs = join(t.dataDir, 'documents');
  await rm(docs);
  await rename(`${docs}.away`, docs);
}

test('when saving a label fails with a 500, then the label is not shown, a later unrelated save does not write it, and a retry makes exactly one', async () => {
  const url = `/api/documents/${FIRST_SEED}`;
  const before = await readDocFile(t.dataDir, FIRST_SEED);
  const text = (await t.http.get(url)).body.text as string;
  const start = text.indexOf('rest, refit');
  const label = { start, end: start + 'rest, refit'.length, type: 'opinion', rev: 1 };
  await breakFolder();

  const failed = await t.http.post(`${url}/labels`).send(label).expect(500);
  expect(failed.body.error.code).toBe('internal');
  expect((await t.http.get(url).expect(200)).body.labels).toEqual(before.labels);

  await mendFolder();
  await t.http.patch(url).send({ outlet: 'Wire' }).expect(200);
  const disk = await readDocFile(t.dataDir, FIRST_SEED);
  expect([disk.meta.outlet, disk.labels, disk.events.length]).toEqual(['Wire', before.labels, before.events.length + 1]);

  const retried = await t.http.post(`${url}/labels`).send(label).expect(201);
  expect((await readDocFile(t.dataDir, FIRST_SEED)).labels).toEqual([...before.labels, retried.body]);
});
