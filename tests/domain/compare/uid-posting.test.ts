import fc from 'fast-check';
import { UidPosting } from '../../../server/domain/compare/uid-posting.js';

/** Operations on a posting, applied alike to a plain array model (entries in order, dead noted apart). */
type Op = { kind: 'push'; uid: number } | { kind: 'insert'; at: number; uid: number } | { kind: 'remove'; at: number } | { kind: 'dead'; at: number } | { kind: 'compact' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), uid: fc.nat(20) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), uid: fc.nat(20) }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dead' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('compact' as const) }),
);

describe('uid posting', () => {
  test('when entries are pushed, inserted, removed, marked dead and compacted in any order, then it holds exactly what an array would', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const posting = new UidPosting([]);
        let model: number[] = [];
        let dead: number[] = [];
        for (const o of ops) {
          if (o.kind === 'push') {
            posting.push(o.uid);
            model.push(o.uid);
          } else if (o.kind === 'insert') {
            const at = o.at % (model.length + 1);
            posting.insertAt(at, o.uid);
            model.splice(at, 0, o.uid);
          } else if (o.kind === 'remove' && model.length && !dead.length) {
            const at = o.at % model.length;
            posting.removeAt(at);
            model.splice(at, 1);
          } else if (o.kind === 'dead') {
            // A number noted dead is one of the entries not noted yet.
            const owed = [...model];
            for (const d of dead) owed.splice(owed.indexOf(d), 1);
            if (!owed.length) continue;
            const uid = owed[o.at % owed.length];
            expect(posting.markDead(uid)).toBe(dead.length + 1);
            dead.push(uid);
          } else if (o.kind === 'compact') {
            posting.compact();
            for (const d of dead) model.splice(model.indexOf(d), 1);
            dead = [];
          }
          expect(posting.live).toBe(model.length - dead.length);
        }
        if (!dead.length) expect([...posting.view()]).toEqual(model);
        posting.compact();
        for (const d of dead) model.splice(model.indexOf(d), 1);
        model = model.sort((x, y) => x - y);
        expect([...posting.view()].sort((x, y) => x - y)).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });

  test('when a number is held twice, once for a passage that left, then compacting keeps one entry of it', () => {
    const posting = new UidPosting([7, 3, 9]);
    posting.sorted = false;
    posting.push(3); // number 3 given again to a new passage
    expect(posting.markDead(3)).toBe(1); // the passage that held it first left
    expect(posting.live).toBe(3);
    posting.compact();
    expect([...posting.view()]).toEqual([7, 9, 3]);
    expect(posting.dead).toBeNull();
  });

  test('when it grows past its room and most entries then leave, then it keeps every entry and gives the room back', () => {
    const posting = new UidPosting([]);
    for (let uid = 0; uid < 1000; uid++) posting.push(uid);
    expect(posting.length).toBe(1000);
    expect(posting.items.length).toBeGreaterThanOrEqual(1000);
    for (let uid = 0; uid < 990; uid++) posting.markDead(uid);
    posting.compact();
    expect([...posting.view()]).toEqual([990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
    expect(posting.items.length).toBe(20);
  });

  test('when a number noted dead is not in the posting, then compacting throws (a broken invariant)', () => {
    const posting = new UidPosting([1, 2]);
    posting.markDead(5);
    expect(() => posting.compact()).toThrow('uid posting: a dead entry was not in the posting');
  });

  test('when sorted with an order, then dead entries are gone and the rest is in that order', () => {
    const posting = new UidPosting([5, 1, 4, 2]);
    posting.sorted = false;
    posting.markDead(4);
    posting.sort((x, y) => y - x);
    expect([...posting.view()]).toEqual([5, 2, 1]);
    expect(posting.sorted).toBe(true);
  });
});
