/**
 * The incremental statement index and outlet sums against a build from scratch, over the real app
 * and store: fast-check draws sequences of imports, label saves (with speakers, cues, sourcing),
 * revisions, deletes and restores, sent over HTTP; afterwards /api/compare, /api/outlets (by outlet
 * and by month) and the speakers' profiles must equal what a fresh index over the same documents
 * gives. A failure prints the seed and the shrunk sequence.
 */
import fc from 'fast-check';
import { startTestApp } from '../helpers/app.js';
import { QUOTABLE_SENTENCES } from '../helpers/quotable-sentences.js';
import { CompareService } from '../../server/services/compare.js';
import { clusterJson } from '../../server/routes/compare.js';
import { outletMonths, outletTable } from '../../server/domain/compare/outlet-figures.js';
import { speakerProfile } from '../../server/domain/compare/speakers.js';

const SENTENCES = QUOTABLE_SENTENCES;
const OUTLETS = ['Ledger', 'Courier', 'ledger ', 'Post'];
const SPEAKERS = ['John Smith', 'Smith', 'The Mayor'];
const CUES = ['said', 'warned', 'claimed', 'said nothing'];

type Step =
  | { kind: 'import'; picks: number[]; outlet: number; month: number }
  | { kind: 'label'; at: number; sentence: number; type: number; speaker: number; cue: number; sourcing: number }
  | { kind: 'revise'; at: number; picks: number[] }
  | { kind: 'delete'; at: number }
  | { kind: 'restore' };

const picks = fc.array(fc.nat(SENTENCES.length - 1), { minLength: 1, maxLength: 4 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('import' as const), picks, outlet: fc.nat(OUTLETS.length - 1), month: fc.nat(2) }),
  fc.record({ kind: fc.constant('label' as const), at: fc.nat(), sentence: fc.nat(), type: fc.nat(2), speaker: fc.nat(SPEAKERS.length), cue: fc.nat(CUES.length), sourcing: fc.nat(4) }),
  fc.record({ kind: fc.constant('label' as const), at: fc.nat(), sentence: fc.nat(), type: fc.nat(2), speaker: fc.nat(SPEAKERS.length), cue: fc.nat(CUES.length), sourcing: fc.nat(4) }),
  fc.record({ kind: fc.constant('revise' as const), at: fc.nat(), picks }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('restore' as const) }),
);

const TYPES = ['direct-quote', 'reported-claim', 'opinion'];
const SOURCINGS = ['named', 'anonymous', 'document', 'unattributed'];

describe('incremental statement index over the real app', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
  });
  afterAll(() => t.cleanup());

  const ids = async (): Promise<string[]> => ((await t.http.get('/api/documents?limit=1000').expect(200)).body.items as { id: string }[]).map((d) => d.id).sort();
  const trash: string[] = [];

  async function run(s: Step): Promise<void> {
    const all = await ids();
    const id = 'at' in s ? all[s.at % all.length] : undefined;
    switch (s.kind) {
      case 'import': {
        const text = s.picks.map((i) => SENTENCES[i]).join(' ');
        await t.http.post('/api/documents').send({ title: `Import ${text.slice(0, 20)}`, outlet: OUTLETS[s.outlet], publishedAt: `2024-0${s.month + 1}-15`, text }).expect(201);
        return;
      }
      case 'label': {
        const doc = (await t.http.get(`/api/documents/${id}`).expect(200)).body as { rev: number; text: string };
        const bounds = [...doc.text.matchAll(/[^.!?]+[.!?]+/g)].map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
        if (bounds.length === 0) return;
        const b = bounds[s.sentence % bounds.length];
        const start = b.start + (doc.text.slice(b.start, b.end).length - doc.text.slice(b.start, b.end).trimStart().length);
        await t.http
          .post(`/api/documents/${id}/labels`)
          .send({
            start,
            end: b.end,
            type: TYPES[s.type],
            rev: doc.rev,
            ...(s.speaker < SPEAKERS.length ? { speaker: SPEAKERS[s.speaker] } : {}),
            ...(s.cue < CUES.length ? { cue: CUES[s.cue] } : {}),
            ...(s.sourcing < SOURCINGS.length && TYPES[s.type] !== 'opinion' ? { sourcing: SOURCINGS[s.sourcing] } : {}),
          })
          .expect(201);
        return;
      }
      case 'revise': {
        const doc = (await t.http.get(`/api/documents/${id}`).expect(200)).body as { rev: number; text: string };
        const text = `${doc.text.split('\n')[0]} ${s.picks.map((i) => SENTENCES[i]).join(' ')}`;
        await t.http.put(`/api/documents/${id}/text`).send({ text, baseRev: doc.rev }).expect(201);
        return;
      }
      case 'delete': {
        if (all.length < 3) return;
        await t.http.delete(`/api/documents/${id}`).expect(200);
        trash.push(id!);
        return;
      }
      case 'restore': {
        const back = trash.pop();
        if (back) await t.http.post(`/api/trash/${back}/restore`).expect(200);
        return;
      }
    }
  }

  test('when documents are imported, labelled, revised, deleted and restored, then /api/compare, /api/outlets and speaker profiles equal a fresh build', async () => {
    // The shared index is built before the changes, so what follows is incremental.
    await t.http.get('/api/compare').expect(200);
    await t.http.get('/api/outlets').expect(200);
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), fc.boolean(), async (steps, readBetween) => {
        for (const s of steps) {
          await run(s);
          if (readBetween) await t.http.get('/api/outlets').expect(200);
        }
        const fresh = await new CompareService(t.store).snapshot();
        expect(fresh.docs.length).toBeGreaterThan(0);
        const compare = await t.http.get('/api/compare').expect(200);
        expect(compare.body).toEqual(JSON.parse(JSON.stringify(fresh.clusters.filter((c) => c.documentCount >= 2).map((c) => ({ ...clusterJson(c), match: 'statement' })))));
        expect((await t.http.get('/api/outlets').expect(200)).body).toEqual(JSON.parse(JSON.stringify(outletTable(fresh.docs, fresh.clusters))));
        expect((await t.http.get('/api/outlets?by=month').expect(200)).body).toEqual(JSON.parse(JSON.stringify(outletMonths(fresh.docs, fresh.clusters))));
        const speakers = (await t.http.get('/api/speakers').expect(200)).body as { id: string }[];
        for (const sp of speakers.slice(0, 4)) {
          const page = (await t.http.get(`/api/speakers/${sp.id}`).expect(200)).body;
          const expected = JSON.parse(JSON.stringify(speakerProfile(fresh.docs, fresh.clusters, sp.id)));
          for (const key of Object.keys(expected)) expect(page[key]).toEqual(expected[key]);
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
