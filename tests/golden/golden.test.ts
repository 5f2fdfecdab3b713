import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startLabelledApp } from '../domain/formats/labelled-corpus.js';

/**
 * Exact expected output for the labelled seeds in each format. To accept a deliberate change,
 * run with UPDATE_GOLDEN=1 and review the diff of tests/golden/ before committing.
 */
const GOLDEN_DIR = join(process.cwd(), 'tests', 'golden');
const CASES = [
  ['jsonl', 'seeds.jsonl'],
  ['csv', 'seeds.csv'],
  ['csv-answers', 'seeds.answers.csv'],
  ['w3c', 'seeds.w3c.jsonl'],
  ['doccano', 'seeds.doccano.jsonl'],
  ['conll', 'seeds.conll'],
  ['conll&comments=1', 'seeds.comments.conll'],
  ['labelstudio', 'seeds.labelstudio.json'],
  ['labelstudio-config', 'seeds.labelstudio-config.xml'],
  ['brat&archive=tar', 'seeds.brat.tar'],
  ['brat&archive=zip', 'seeds.brat.zip'],
] as const;

function binary(res: unknown, cb: (err: Error | null, body: Buffer) => void) {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('golden exports of the labelled seeds', () => {
  let app: Awaited<ReturnType<typeof startLabelledApp>>;
  beforeAll(async () => {
    app = await startLabelledApp();
  });
  afterAll(() => app.cleanup());

  test.each(CASES)('when the seeds are exported as %s, then the bytes are exactly %s', async (query, file) => {
    const res = await app.http.get(`/api/export?format=${query}`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    const path = join(GOLDEN_DIR, file);
    if (process.env.UPDATE_GOLDEN === '1') await writeFile(path, res.body as Buffer);
    const expected = await readFile(path);
    const actual = res.body as Buffer;
    if (/\.(tar|zip)$/.test(file)) expect(actual.equals(expected)).toBe(true);
    else expect(actual.toString('utf8')).toBe(expected.toString('utf8'));
  });
});
