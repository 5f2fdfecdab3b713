import fc from 'fast-check';
import { FlatTable, ShardedFlatTable } from '../../../server/domain/compare/flat-table.js';

/** Keys from a small range (so sets, overwrites and deletes meet) spread over the table's hash, or wide ones past 2^32. */
const ops = (keyOf: fc.Arbitrary<number>) =>
  fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: keyOf, value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
      fc.record({ kind: fc.constant('delete' as const), key: keyOf }),
    ),
    { maxLength: 400 },
  );

const sorted = (entries: Iterable<[number, number]>) => [...entries].sort((x, y) => x[0] - y[0]);

function expectSame(table: FlatTable | ShardedFlatTable, model: Map<number, number>, probes: number[]) {
  expect(table.size).toBe(model.size);
  expect(sorted(table.entries())).toEqual(sorted(model.entries()));
  for (const key of probes) {
    expect(table.get(key)).toBe(model.get(key));
    expect(table.has(key)).toBe(model.has(key));
  }
}

describe('flat table', () => {
  /** Applies `list` to `table` and to a Map, each delete answering as the Map's does; returns the Map. */
  const replay = (table: FlatTable, list: Array<{ kind: string; key: number; value?: number }>): Map<number, number> => {
    const model = new Map<number, number>();
    for (const o of list) {
      if (o.kind === 'set') {
        table.set(o.key, o.value!);
        model.set(o.key, o.value!);
      } else expect(table.delete(o.key)).toBe(model.delete(o.key));
    }
    return model;
  };

  test('when keys are set, overwritten and deleted in any order, then it holds exactly what a Map holds', () => {
    const key = fc.oneof(fc.nat(40), fc.integer({ min: 0, max: 2 ** 31 - 1 }));
    fc.assert(
      fc.property(ops(key), (list) => {
        const table = new FlatTable();
        const model = replay(table, list);
        expectSame(table, model, [...list.map((o) => o.key), 0, 41]);
      }),
      { numRuns: 300 },
    );
  });

  test('when keys are wide (up to 2^53, as copy keys are), then it holds exactly what a Map holds', () => {
    const key = fc.oneof(fc.nat(40).map((n) => n * 2 ** 32 + 7), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
    fc.assert(
      fc.property(ops(key), (list) => {
        const table = new FlatTable(true);
        const model = replay(table, list);
        expectSame(table, model, list.map((o) => o.key));
      }),
      { numRuns: 300 },
    );
  });

  test('when sharded, then it holds exactly what a Map holds', () => {
    fc.assert(
      fc.property(ops(fc.nat(5000)), (list) => {
        const table = new ShardedFlatTable(false, 4);
        const model = new Map<number, number>();
        for (const o of list) {
          if (o.kind === 'set') table.set(o.key, o.value), model.set(o.key, o.value);
          else expect(table.delete(o.key)).toBe(model.delete(o.key));
        }
        expectSame(table, model, list.map((o) => o.key));
        expect([...table.keys()].sort((x, y) => x - y)).toEqual([...model.keys()].sort((x, y) => x - y));
      }),
      { numRuns: 200 },
    );
  });

  test('when 100,000 keys come and then all but ten leave, then it grows past 3/4 full, finds every key, and gives the room back', () => {
    const table = new FlatTable();
    for (let k = 0; k < 100_000; k++) table.set(k * 7919, k);
    expect(table.size).toBe(100_000);
    expect(table.capacity).toBe(2 ** 18); // 100,000 > 3/4 of 2^17
    const missed: number[] = [];
    for (let k = 0; k < 100_000; k++) if (table.get(k * 7919) !== k) missed.push(k);
    expect(missed).toEqual([]);
    for (let k = 10; k < 100_000; k++) if (!table.delete(k * 7919)) missed.push(k);
    expect(missed).toEqual([]);
    expect(table.size).toBe(10);
    expect(table.capacity).toBeLessThanOrEqual(128);
    expect(sorted(table.entries())).toEqual(Array.from({ length: 10 }, (_, k) => [k * 7919, k]));
  });

  test('when keys collide on one home slot and the first is deleted, then the ones after it are still found (shifted back, no tombstone)', () => {
    const table = new FlatTable(false, 8);
    // Keys with the same home slot in a table of 8 slots (found by trying).
    const home = (k: number) => Math.imul(k, 0x9e3779b1) >>> 29;
    const same = Array.from({ length: 100 }, (_, k) => k).filter((k) => home(k) === home(0)).slice(0, 3);
    expect(same).toHaveLength(3);
    for (const k of same) table.set(k, k + 100);
    expect(table.delete(same[0])).toBe(true);
    expect(table.get(same[1])).toBe(same[1] + 100);
    expect(table.get(same[2])).toBe(same[2] + 100);
    expect(table.get(same[0])).toBeUndefined();
    expect(table.size).toBe(2);
  });

  test('when a key is negative, fractional or past the range, then set throws and the table is unchanged', () => {
    const table = new FlatTable();
    table.set(1, 1);
    for (const bad of [-1, 1.5, 2 ** 31, Number.NaN]) expect(() => table.set(bad, 0)).toThrow(`flat table: key ${bad} is not an integer in range`);
    expect(() => new FlatTable(true).set(2 ** 53, 0)).toThrow('not an integer in range');
    expect(table.entries()).toEqual([[1, 1]]);
    // -1 marks an empty slot: asking for it (or any key below 0) finds nothing and deletes nothing.
    for (const bad of [-1, -2, Number.NaN]) {
      expect([table.get(bad), table.has(bad), table.delete(bad)]).toEqual([undefined, false, false]);
    }
    expect(table.size).toBe(1);
    expect(table.get(1)).toBe(1);
  });
});
