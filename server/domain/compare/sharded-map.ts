/**
 * A Map split into SHARDS smaller Maps by a cheap hash of the key. A JS Map grows by building its
 * table again at twice the size in one go: at a million entries (the words of a few
 * 2,000,000-character random texts, the shingles of a huge document) that is one 50-100 ms pause
 * in the middle of a step. Split, each table is 1/SHARDS the size and so is each pause.
 * Iteration order is by shard, then insertion: use it only where order does not matter.
 */
export const SHARDS = 64;

export class ShardedMap<K, V> {
  private readonly shards: Map<K, V>[] = Array.from({ length: SHARDS }, () => new Map<K, V>());

  constructor(private readonly shardOf: (key: K) => number) {}

  private of(key: K): Map<K, V> {
    return this.shards[this.shardOf(key) & (SHARDS - 1)];
  }

  get(key: K): V | undefined {
    return this.of(key).get(key);
  }

  has(key: K): boolean {
    return this.of(key).has(key);
  }

  set(key: K, value: V): this {
    this.of(key).set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.of(key).delete(key);
  }

  get size(): number {
    let n = 0;
    for (const m of this.shards) n += m.size;
    return n;
  }

  *keys(): Generator<K, void, void> {
    for (const m of this.shards) yield* m.keys();
  }

  *entries(): Generator<[K, V], void, void> {
    for (const m of this.shards) yield* m.entries();
  }

  [Symbol.iterator](): Generator<[K, V], void, void> {
    return this.entries();
  }
}

/** Shard of an integer key (a shingle, a copy key): its low bits, mixed. */
export function numberShard(key: number): number {
  return Math.imul(key % 0x40000000, 0x9e3779b1) >>> 26;
}

/** Shard of a word: its length and three of its characters, mixed. */
export function wordShard(word: string): number {
  const n = word.length;
  return Math.imul((word.charCodeAt(0) * 31 + word.charCodeAt(n >> 1)) * 31 + word.charCodeAt(n - 1) + n, 0x9e3779b1) >>> 26;
}
