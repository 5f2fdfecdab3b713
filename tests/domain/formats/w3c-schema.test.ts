import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import AjvModule from 'ajv-draft-04';
import formatsModule from 'ajv-formats';
import { FIXTURES_DIR } from '../../helpers/app.js';
import { startLabelledApp } from './labelled-corpus.js';

// CommonJS packages: the export is the module itself or its `default`, depending on the interop.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as typeof AjvModule.default;
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as typeof formatsModule.default;

const MODEL_DIR = join(FIXTURES_DIR, 'w3c-annotation-model');
const DEFINITIONS = ['annotations', 'bodyTarget', 'choiceSet', 'id', 'otherProperties', 'specificResource'];

interface Assertion {
  file: string;
  schema: Record<string, unknown> & { expectedResult?: string; errorMessage?: string };
}

/** The 54 MUST assertions, each compiled in a fresh Ajv (two of them share an id). */
async function mustAssertions(): Promise<{ file: string; check: (a: unknown) => boolean; message: string }[]> {
  const list = JSON.parse(await readFile(join(MODEL_DIR, 'annotations', 'annotationMusts.test'), 'utf8')) as { assertions: string[] };
  const definitions = await Promise.all(DEFINITIONS.map(async (d) => JSON.parse(await readFile(join(MODEL_DIR, 'definitions', `${d}.json`), 'utf8')) as object));
  const assertions: Assertion[] = await Promise.all(list.assertions.map(async (file) => ({ file, schema: JSON.parse(await readFile(join(MODEL_DIR, file), 'utf8')) })));
  return assertions.map(({ file, schema }) => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const d of definitions) ajv.addSchema(d);
    const validate = ajv.compile(schema);
    const invert = schema.expectedResult === 'invalid';
    return { file, check: (a: unknown) => (validate(a) as boolean) !== invert, message: String(schema.errorMessage ?? file) };
  });
}

describe('W3C export against the W3C annotation-model schemas', () => {
  let app: Awaited<ReturnType<typeof startLabelledApp>>;
  beforeAll(async () => {
    app = await startLabelledApp();
  });
  afterAll(() => app.cleanup());

  test('when the labelled seeds are exported as w3c, then every annotation passes all 54 MUST assertions', async () => {
    const musts = await mustAssertions();
    expect(musts).toHaveLength(54);
    const res = await app.http.get('/api/export?format=w3c');
    const annotations = res.text.trim().split('\n').map((l) => JSON.parse(l) as { id: string; body: { role: string }[] });
    // Every exportable label (8 of 9: the orphaned one has no place in the text) with every body role,
    // and the 7 document answers the export keeps (gold only on the document that has gold answers).
    expect(annotations).toHaveLength(15);
    expect(new Set(annotations.flatMap((a) => a.body.map((b) => b.role)))).toEqual(new Set(['type', 'speaker', 'cue', 'sourcing', 'note', 'answer', 'question']));
    const failures = annotations.flatMap((a) => musts.filter((m) => !m.check(a)).map((m) => `${a.id}: ${m.file}: ${m.message}`));
    expect(failures).toEqual([]);
  });

  test('when an annotation breaks the model (no target), then the validator notices, so the check above is real', async () => {
    const musts = await mustAssertions();
    const broken = { '@context': 'http://www.w3.org/ns/anno.jsonld', id: 'urn:uuid:00000000-0000-4000-8000-000000000001', type: 'Annotation' };
    expect(musts.filter((m) => !m.check(broken)).map((m) => m.file)).toContain('annotations/3.1-targetKeyFound.json');
  });
});
