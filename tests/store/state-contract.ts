import type { StateBackend } from '../../server/store/state.js';

/** What a backend under test offers the contract: a fresh, empty storage per test. */
export interface StateFixture {
  backend: StateBackend;
  /** A new backend on the same storage (a restart): reads what was really stored. */
  reopen(): Promise<StateBackend>;
  /** The stored bytes of a state (file content, row content), or `null` when nothing is stored. */
  stored(name: string): Promise<string | null>;
  /** Stores `content` as the state's bytes behind the backends' back (a hand edit, a damaged copy). */
  storeRaw(name: string, content: string): Promise<void>;
  cleanup(): Promise<void>;
}

interface Counter {
  items: number[];
  note?: string;
}

const empty = (): Counter => ({ items: [] });
const counterProblem = (data: unknown): string | null => (Array.isArray((data as Counter | null)?.items) ? null : 'items must be a list');

/**
 * The behaviour every StateBackend keeps (FileStateBackend on a temp folder, PgStateBackend on a
 * throwaway PostgreSQL database): the stores of users, team, label types, speakers and answers rely
 * on exactly this.
 */
export function stateContract(label: string, setup: () => Promise<StateFixture>): void {
  describe(`StateBackend contract: ${label}`, () => {
    let f: StateFixture;
    beforeEach(async () => {
      f = await setup();
    });
    afterEach(async () => {
      await f.cleanup();
    });

    it('when a state is opened that was never stored, then it reads as empty() and nothing is stored by opening it', async () => {
      const s = await f.backend.open<Counter>('counter.json', empty, counterProblem);
      expect(s.data).toEqual({ items: [] });
      expect(await f.stored('counter.json')).toBeNull();
    });

    it('when a state is updated, then the update answers fn\'s result, memory and storage hold the new data as JSON, and a restart reads it back', async () => {
      const s = await f.backend.open<Counter>('counter.json', empty, counterProblem);
      const result = await s.update((d) => {
        d.items.push(7);
        d.note = 'Ünïcode "quoted" 🎉';
        return d.items.length;
      });
      expect(result).toBe(1);
      expect(s.data).toEqual({ items: [7], note: 'Ünïcode "quoted" 🎉' });
      expect(await f.stored('counter.json')).toBe('{"items":[7],"note":"Ünïcode \\"quoted\\" 🎉"}');
      const again = await (await f.reopen()).open<Counter>('counter.json', empty, counterProblem);
      expect(again.data).toEqual({ items: [7], note: 'Ünïcode "quoted" 🎉' });
    });

    it('when fn is async, then its promise is awaited and its changes made after the await are stored', async () => {
      const s = await f.backend.open<Counter>('counter.json', empty, counterProblem);
      await s.update(async (d) => {
        await new Promise((r) => setTimeout(r, 5));
        d.items.push(1);
      });
      expect(await f.stored('counter.json')).toBe('{"items":[1]}');
    });

    it('when fn throws, then update rejects with its error and neither memory nor storage changes (also for a state never stored)', async () => {
      const fresh = await f.backend.open<Counter>('fresh.json', empty, counterProblem);
      await expect(
        fresh.update((d) => {
          d.items.push(1);
          throw new Error('refused by the domain');
        }),
      ).rejects.toThrow('refused by the domain');
      expect(fresh.data).toEqual({ items: [] });
      expect(await f.stored('fresh.json')).toBeNull();

      const s = await f.backend.open<Counter>('counter.json', empty, counterProblem);
      await s.update((d) => void d.items.push(1));
      const before = await f.stored('counter.json');
      await expect(
        s.update(async (d) => {
          d.items.push(2);
          await Promise.resolve();
          throw new Error('refused later');
        }),
      ).rejects.toThrow('refused later');
      expect(s.data).toEqual({ items: [1] });
      expect(await f.stored('counter.json')).toBe(before);
      await s.update((d) => void d.items.push(3));
      expect(await f.stored('counter.json')).toBe('{"items":[1,3]}');
    });

    it('when 30 updates are started at once, then they run one after another and every one is kept, in order', async () => {
      const s = await f.backend.open<Counter>('counter.json', empty, counterProblem);
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          s.update(async (d) => {
            const seen = d.items.length;
            await Promise.resolve();
            d.items.push(i);
            return seen;
          }),
        ),
      );
      const all = Array.from({ length: 30 }, (_, i) => i);
      expect(results).toEqual(all);
      expect(s.data.items).toEqual(all);
      const again = await (await f.reopen()).open<Counter>('counter.json', empty, counterProblem);
      expect(again.data.items).toEqual(all);
    });

    it('when a state is opened twice on one backend, then both are the same state (their updates are serialised together)', async () => {
      const [a, b] = await Promise.all([f.backend.open<Counter>('counter.json', empty, counterProblem), f.backend.open<Counter>('counter.json', empty, counterProblem)]);
      await Promise.all([a.update((d) => void d.items.push(1)), b.update((d) => void d.items.push(2))]);
      expect(a.data.items).toEqual([1, 2]);
      expect(b.data.items).toEqual([1, 2]);
    });

    it('when the stored bytes are not JSON, or fail the check, then open refuses with a message naming the state, and a later open of a repaired one works', async () => {
      await f.storeRaw('counter.json', '{"items": [1, 2');
      const fresh = await f.reopen();
      await expect(fresh.open<Counter>('counter.json', empty, counterProblem)).rejects.toThrow(/counter\.json.* is damaged \(.*JSON.*\); restore it from a backup or fix it by hand/);
      await f.storeRaw('other.json', '{"items": "many"}');
      await expect(fresh.open<Counter>('other.json', empty, counterProblem)).rejects.toThrow(/other\.json.* is damaged \(items must be a list\)/);
      await f.storeRaw('counter.json', '{"items":[1,2]}');
      expect((await fresh.open<Counter>('counter.json', empty, counterProblem)).data).toEqual({ items: [1, 2] });
    });

    it('when repair fills in a missing part, then it is seen at once and written with the next change', async () => {
      await f.storeRaw('counter.json', '{"note":"old"}');
      const s = await (await f.reopen()).open<Counter>('counter.json', empty, (d) => (typeof d === 'object' && d !== null ? null : 'not an object'));
      s.repair((d) => {
        d.items ??= [];
      });
      expect(s.data).toEqual({ note: 'old', items: [] });
      expect(await f.stored('counter.json')).toBe('{"note":"old"}');
      await s.update((d) => void d.items.push(1));
      expect(await f.stored('counter.json')).toBe('{"note":"old","items":[1]}');
    });

    it('when refresh runs with nothing changed elsewhere, then every state reads as before', async () => {
      const s = await f.backend.open<Counter>('counter.json', empty, counterProblem);
      await s.update((d) => void d.items.push(5));
      await f.backend.refresh();
      expect(s.data).toEqual({ items: [5] });
      expect(typeof f.backend.where).toBe('string');
    });
  });
}
