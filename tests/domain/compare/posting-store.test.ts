import fc from 'fast-check';
import { PostingStore, SLAB_MAX } from '../../../server/domain/compare/posting-store.js';

/** Operations on a few postings at once, applied alike to plain arrays (entries in order; numbers noted dead apart). */
type Op =
  | { kind: 'create'; uids: number[] }
  | { kind: 'release'; pick: number }
  | { kind: 'push'; pick: number; uid: number; times: number }
  | { kind: 'insert'; pick: number; at: number; uid: number }
  | { kind: 'remove'; pick: number; at: number }
  | { kind: 'dead'; pick: number; at: number }
  | { kind: 'compact'; pick: number };

const uid = fc.nat(30);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), uids: fc.array(uid, { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
  // Runs of pushes carry a posting past the shared array's blocks (SLAB_MAX) into an array of its own.
  fc.record({ kind: fc.constant('push' as const), pick: fc.nat(), uid, times: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 2 * SLAB_MAX })) }),
  fc.record({ kind: fc.constant('insert' as const), pick: fc.nat(), at: fc.nat(), uid }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('dead' as const), pick: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('compact' as const), pick: fc.nat() }),
);

describe('posting store', () => {
  test('when postings are created, grown past their blocks, shrunk, marked dead, compacted and released in any order, then each holds exactly what an array would', () => {
    fc.assert(
      // Chunks of 64 entries (the least) as well as the default: blocks then often start a new chunk.
      fc.property(fc.array(op, { maxLength: 150 }), fc.constantFrom(6, 16), (ops, chunkBits) => {
        const store = new PostingStore(chunkBits);
        const model = new Map<number, { items: number[]; dead: number[] }>();
        const compactModel = (m: { items: number[]; dead: number[] }) => {
          for (const d of m.dead) m.items.splice(m.items.indexOf(d), 1);
          m.dead = [];
        };
        for (const o of ops) {
          if (o.kind === 'create') {
            const id = store.create(o.uids);
            expect(model.has(id)).toBe(false); // an id in use is never given again
            model.set(id, { items: [...o.uids], dead: [] });
            continue;
          }
          const ids = [...model.keys()];
          if (!ids.length) continue;
          const id = ids[o.pick % ids.length];
          const m = model.get(id)!;
          if (o.kind === 'release') {
            store.release(id);
            model.delete(id);
          } else if (o.kind === 'push') {
            for (let t = 0; t < o.times; t++) store.push(id, o.uid + t), m.items.push(o.uid + t);
          } else if (o.kind === 'insert') {
            const at = o.at % (m.items.length + 1);
            store.insertAt(id, at, o.uid);
            m.items.splice(at, 0, o.uid);
          } else if (o.kind === 'remove' && m.items.length > 1 && !m.dead.length) {
            const at = o.at % m.items.length;
            store.removeAt(id, at);
            m.items.splice(at, 1);
          } else if (o.kind === 'dead') {
            const owed = [...m.items];
            for (const d of m.dead) owed.splice(owed.indexOf(d), 1);
            if (owed.length < 2) continue;
            const u = owed[o.at % owed.length];
            expect(store.markDead(id, u)).toBe(m.dead.length + 1);
            m.dead.push(u);
          } else if (o.kind === 'compact') {
            store.compact(id);
            compactModel(m);
          }
          // Every posting, not only the one changed: a block given twice would show in another.
          for (const [other, n] of model) {
            expect([...store.view(other)]).toEqual(n.items);
            expect(store.live(other)).toBe(n.items.length - n.dead.length);
          }
        }
        expect(store.size).toBe(model.size);
      }),
      { numRuns: 300 },
    );
  });

  test('when 5,000 small postings fill many chunks, then each still holds its own entries', () => {
    const store = new PostingStore(6);
    const ids = Array.from({ length: 5000 }, (_, i) => store.create([i, i + 1]));
    for (let i = 0; i < 5000; i += 7) store.push(ids[i], -i);
    const wrong = ids.filter((id, i) => store.view(id).join() !== (i % 7 === 0 ? [i, i + 1, -i] : [i, i + 1]).join());
    expect(wrong).toEqual([]);
  });

  test('when a number is held twice, once for a passage that left, then compacting drops one entry of it', () => {
    const store = new PostingStore();
    const id = store.create([7, 3, 9]);
    store.unsort(id);
    store.push(id, 3); // number 3 given again to a new passage
    expect(store.markDead(id, 3)).toBe(1); // the passage that held it first left
    expect(store.live(id)).toBe(3);
    store.compact(id);
    expect([...store.view(id)]).toEqual([7, 9, 3]);
    expect(store.length(id)).toBe(3);
  });

  test('when a big posting loses most of its entries, then it keeps the others in order and moves back to a block', () => {
    const store = new PostingStore();
    const id = store.create([0, 1]);
    const small = store.create([500, 501]);
    for (let u = 2; u < 1000; u++) store.push(id, u);
    for (let u = 0; u < 995; u++) store.markDead(id, u);
    store.compact(id);
    expect([...store.view(id)]).toEqual([995, 996, 997, 998, 999]);
    store.push(id, 5);
    expect([...store.view(id)]).toEqual([995, 996, 997, 998, 999, 5]);
    expect([...store.view(small)]).toEqual([500, 501]);
  });

  test('when sorted with an order, then dead entries are gone, the rest is in that order, and it is sorted', () => {
    const store = new PostingStore();
    const id = store.create([5, 1, 4, 2]);
    store.unsort(id);
    expect(store.sorted(id)).toBe(false);
    store.markDead(id, 4);
    store.sort(id, (x, y) => y - x);
    expect([...store.view(id)]).toEqual([5, 2, 1]);
    expect(store.sorted(id)).toBe(true);
    expect(store.lowerBound(id, (u) => u > 2)).toBe(1);
  });

  test('when chunks would hold fewer entries than the biggest block, then the store refuses to start', () => {
    expect(() => new PostingStore(5)).toThrow(`posting store: chunks must hold at least ${SLAB_MAX} entries`);
  });

  test('when a number noted dead is not in the posting, or a posting is released twice, then it throws (a broken invariant)', () => {
    const store = new PostingStore();
    const id = store.create([1, 2, 3, 4]);
    store.markDead(id, 2);
    store.markDead(id, 5);
    expect(() => store.compact(id)).toThrow('posting store: a dead entry was not in the posting');
    // Left as it was: nothing moved, both numbers still noted dead.
    expect([...store.view(id)]).toEqual([1, 2, 3, 4]);
    expect(store.live(id)).toBe(2);
    store.release(id);
    expect(() => store.release(id)).toThrow(`posting store: posting ${id} is not held`);
  });
});
