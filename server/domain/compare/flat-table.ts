/**
 * A map from non-negative integer keys to int32 values in two typed arrays (open addressing,
 * linear probing, deletion by shifting the entries after back: no tombstones). An entry costs 8
 * bytes a slot (12 with `wide` keys) at a load of 3/8 to 3/4, against 40-60 bytes in a JS Map
 * (its table and, for keys past 2^31, a boxed number a key): the statement index holds one entry
 * per distinct shingle (4,700,000 at 10,000 news-like texts) and one per passage.
 *
 * Keys: integers in [0, 2^31) (or [0, 2^53) when `wide`); -1 marks an empty slot. Iteration order
 * is the table's: use it only where order does not matter.
 */
export class FlatTable {
  private keys: Int32Array | Float64Array;
  private values: Int32Array;
  private count = 0;
  /** log2 of the number of slots. */
  private bits: number;

  constructor(
    private readonly wide = false,
    capacity = 8,
  ) {
    this.bits = Math.max(3, Math.ceil(Math.log2(capacity)));
    this.keys = this.newKeys(1 << this.bits);
    this.values = new Int32Array(1 << this.bits);
  }

  get size(): number {
    return this.count;
  }

  /** The value of `key`, or `undefined`. */
  get(key: number): number | undefined {
    const at = this.find(key);
    return at < 0 ? undefined : this.values[at];
  }

  has(key: number): boolean {
    return this.find(key) >= 0;
  }

  set(key: number, value: number): this {
    if (!(key >= 0 && Number.isInteger(key) && key < (this.wide ? 2 ** 53 : 2 ** 31))) throw new Error(`flat table: key ${key} is not an integer in range`);
    const mask = (1 << this.bits) - 1;
    let at = this.slot(key);
    for (;;) {
      const k = this.keys[at];
      if (k === key) {
        this.values[at] = value;
        return this;
      }
      if (k === -1) break;
      at = (at + 1) & mask;
    }
    this.keys[at] = key;
    this.values[at] = value;
    this.count++;
    if (this.count * 4 > this.keys.length * 3) this.resize(this.bits + 1);
    return this;
  }

  delete(key: number): boolean {
    let hole = this.find(key);
    if (hole < 0) return false;
    const keys = this.keys;
    const mask = keys.length - 1;
    // Shift back every entry after the hole that may not stay past it: one whose home slot is not
    // in (hole, at] (cyclically) would no longer be found once the hole is empty.
    for (let at = (hole + 1) & mask; keys[at] !== -1; at = (at + 1) & mask) {
      const home = this.slot(keys[at]);
      if (((at - home) & mask) >= ((at - hole) & mask)) {
        keys[hole] = keys[at];
        this.values[hole] = this.values[at];
        hole = at;
      }
    }
    keys[hole] = -1;
    this.count--;
    // Give room back once mostly empty (a corpus that shrank), never below 8 slots.
    if (this.bits > 3 && this.count * 8 < keys.length) this.resize(this.bits - 1);
    return true;
  }

  /** Every entry as [key, value], in table order (a copy: the table may change meanwhile). */
  entries(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let at = 0; at < this.keys.length; at++) if (this.keys[at] !== -1) out.push([this.keys[at], this.values[at]]);
    return out;
  }

  /** The keys, in table order (a copy). */
  keyList(): number[] {
    const out: number[] = [];
    for (let at = 0; at < this.keys.length; at++) if (this.keys[at] !== -1) out.push(this.keys[at]);
    return out;
  }

  /** Slots held, for tests and measures. */
  get capacity(): number {
    return this.keys.length;
  }

  private find(key: number): number {
    // -1 marks an empty slot: no key below 0 is ever held (set refuses them).
    if (!(key >= 0)) return -1;
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let at = this.slot(key); ; at = (at + 1) & mask) {
      const k = keys[at];
      if (k === key) return at;
      if (k === -1) return -1;
    }
  }

  /** Home slot of `key`: its low and high 32 bits mixed, the top `bits` bits taken. */
  private slot(key: number): number {
    const lo = key >>> 0;
    const hi = this.wide ? (key / 4294967296) >>> 0 : 0;
    return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> (32 - this.bits);
  }

  private newKeys(n: number): Int32Array | Float64Array {
    return (this.wide ? new Float64Array(n) : new Int32Array(n)).fill(-1);
  }

  private resize(bits: number): void {
    const keys = this.keys;
    const values = this.values;
    this.bits = bits;
    this.keys = this.newKeys(1 << bits);
    this.values = new Int32Array(1 << bits);
    const mask = (1 << bits) - 1;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key === -1) continue;
      let at = this.slot(key);
      while (this.keys[at] !== -1) at = (at + 1) & mask;
      this.keys[at] = key;
      this.values[at] = values[i];
    }
  }
}

/**
 * FlatTables split by a hash of the key (see ShardedMap: a table grows by being built again at
 * twice the size, and split in SHARDS each pause is 1/SHARDS as long).
 */
export class ShardedFlatTable {
  private readonly shards: FlatTable[];

  constructor(wide = false, shards = 64) {
    if ((shards & (shards - 1)) !== 0) throw new Error('sharded flat table: the number of shards must be a power of two');
    this.shards = Array.from({ length: shards }, () => new FlatTable(wide));
  }

  private of(key: number): FlatTable {
    // Other bits than those picking the slot inside a shard (the top ones).
    return this.shards[(Math.imul((key >>> 0) ^ ((key / 4294967296) >>> 0), 0x27d4eb2d) >>> 7) & (this.shards.length - 1)];
  }

  get(key: number): number | undefined {
    return this.of(key).get(key);
  }

  has(key: number): boolean {
    return this.of(key).has(key);
  }

  set(key: number, value: number): this {
    this.of(key).set(key, value);
    return this;
  }

  delete(key: number): boolean {
    return this.of(key).delete(key);
  }

  get size(): number {
    let n = 0;
    for (const t of this.shards) n += t.size;
    return n;
  }

  /** Every key, shard after shard (a copy of one shard at a time: the table may change meanwhile). */
  *keys(): Generator<number, void, void> {
    for (const t of this.shards) yield* t.keyList();
  }

  *entries(): Generator<[number, number], void, void> {
    for (const t of this.shards) yield* t.entries();
  }
}
