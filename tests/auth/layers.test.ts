import { labelsOfLayer, parseLayerChoice, statisticsLabels } from '../../server/domain/layers.js';
import type { Label } from '../../server/domain/types.js';
import { FIRST_SEED, startTestApp } from '../helpers/app.js';

const label = (id: string, annotator: string, layer?: string) => ({ id, annotator, ...(layer ? { layer } : {}) }) as unknown as Label;

describe('layers (pure)', () => {
  const mixed = [label('a1', 'ana'), label('a2', 'ana'), label('b1', 'ben'), label('b2', 'ben'), label('c1', 'cy')];

  test('when a document has no gold, then statistics count one annotator: the one with most labels, ties to the first name, never the sum', () => {
    expect(statisticsLabels({ labels: mixed }).map((l) => l.id)).toEqual(['a1', 'a2']);
    expect(statisticsLabels({ labels: [label('z', 'zoe'), label('y', 'yan')] }).map((l) => l.id)).toEqual(['y']);
    expect(statisticsLabels({ labels: [] })).toEqual([]);
  });

  test('when a document has gold labels, then statistics and the default export take the gold layer only', () => {
    const withGold = [...mixed, label('g1', 'ed', 'gold')];
    expect(statisticsLabels({ labels: withGold }).map((l) => l.id)).toEqual(['g1']);
    expect(labelsOfLayer({ labels: withGold }, null).map((l) => l.id)).toEqual(['g1']);
    expect(labelsOfLayer({ labels: mixed }, null)).toHaveLength(5);
    expect(labelsOfLayer({ labels: withGold }, parseLayerChoice('annotator:ben')).map((l) => l.id)).toEqual(['b1', 'b2']);
    expect(labelsOfLayer({ labels: withGold }, parseLayerChoice('all'))).toHaveLength(6);
    expect(labelsOfLayer({ labels: mixed }, parseLayerChoice('gold'))).toEqual([]);
    expect(parseLayerChoice('silver')).toBeNull();
  });
});

describe('export layer=', () => {
  test('when a document has gold, then the export gives gold by default, one annotator or all on request, and a bad layer is a 400', async () => {
    const t = await startTestApp({ seeds: true });
    try {
      const ana = await t.as('ana', 'annotator');
      await t.http.put(`/api/documents/${FIRST_SEED}/assignments`).send({ annotators: ['ana'] }).expect(200);
      const a = (await ana.post(`/api/documents/${FIRST_SEED}/labels`).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(201)).body;
      await ana.post(`/api/documents/${FIRST_SEED}/labels`).send({ start: 0, end: 9, type: 'opinion', rev: 1 }).expect(201);
      const labelsOf = async (q: string) => {
        const text = (await t.http.get(`/api/export?format=jsonl&document=${FIRST_SEED}${q}`).expect(200)).text;
        return (JSON.parse(text.trim().split('\n')[0]).labels as Label[]).map((l) => `${l.layer ?? l.annotator}:${l.start}-${l.end}`).sort();
      };
      expect(await labelsOf('')).toEqual(['ana:0-9', 'ana:158-188']);
      await t.http.post(`/api/documents/${FIRST_SEED}/gold`).send({ labelId: a.id }).expect(201);
      expect(await labelsOf('')).toEqual(['gold:158-188']);
      expect(await labelsOf('&layer=annotator:ana')).toEqual(['ana:0-9', 'ana:158-188']);
      expect(await labelsOf('&layer=all')).toEqual(['ana:0-9', 'ana:158-188', 'gold:158-188']);
      expect((await t.http.get('/api/export?format=jsonl&layer=silver').expect(400)).body.error.message).toMatch(/gold, all or annotator:NAME/);
    } finally {
      await t.cleanup();
    }
  });
});
