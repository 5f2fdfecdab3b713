/**
 * The postings of a statement index (the passages holding one shingle, by passage number), each
 * named by a posting id, with no object of their own: a small posting's entries sit in a block of
 * shared Int32Array chunks (blocks of 2 to SLAB_MAX entries, reused once freed; chunks of 2^16
 * entries, so that growing never copies what is held), a big one's in an Int32Array of its own;
 * length, room and flags are parallel typed arrays by id. Texts of real news
 * make hundreds of thousands of postings of two to ten passages (390,000 at 10,000 texts): an object
 * and a typed array apiece cost about 250 bytes, a block here 8-64.
 *
 * A posting is kept sorted (in the caller's order) while `sorted`; an unsorted one is only appended
 * to, and a passage that leaves it is only noted (`markDead`) until `compact` (or `sort`): a shift
 * of a big posting per change would cost too much. A passage number is reused by a later passage
 * once its passage left, so an unsorted posting may hold a number twice, once for the passage that
 * left and once for the one now holding it: which entry `compact` drops does not matter (they are
 * equal, and the order of an unsorted posting is never read).
 *
 * `view` gives the entries in place: valid until that posting grows or is compacted.
 */
export const SLAB_MAX = 64;

/** Block classes: room 2, 4, ..., SLAB_MAX. */
const CLASSES = Math.log2(SLAB_MAX);

export class PostingStore {
  /** The shared chunks: a block at position `start` is in chunk start >>> chunkBits. */
  private readonly chunks: Int32Array[] = [];
  /** Next free position after the last block given (blocks never cross a chunk's end). */
  private top = 0;
  /** Starts of freed blocks, by class (room 2^(class + 1)). */
  private readonly freeBlocks: number[][] = Array.from({ length: CLASSES }, () => []);
  /** By id: position in the shared chunks (-1: a big posting, in `big`), room, length, flags (1 sorted, 2 in use). */
  private starts = new Int32Array(64);
  private rooms = new Int32Array(64);
  private lengths = new Int32Array(64);
  private flags = new Uint8Array(64);
  private readonly big = new Map<number, Int32Array>();
  /** Numbers noted dead in an unsorted posting, by id (one per dead entry). */
  private readonly deadOf = new Map<number, number[]>();
  private readonly freeIds: number[] = [];
  private nextId = 0;
  private count = 0;

  /** `chunkBits`: log2 of a chunk's entries (at least log2(SLAB_MAX)); small in tests, to cross chunks often. */
  constructor(private readonly chunkBits = 16) {
    if (2 ** chunkBits < SLAB_MAX) throw new Error(`posting store: chunks must hold at least ${SLAB_MAX} entries`);
  }

  /** Postings held. */
  get size(): number {
    return this.count;
  }

  /** A new posting holding `uids` in that order, sorted. */
  create(uids: ArrayLike<number>): number {
    let id = this.freeIds.pop();
    if (id === undefined) {
      id = this.nextId++;
      if (id >= this.flags.length) this.growIds();
    }
    this.flags[id] = 3;
    this.lengths[id] = 0;
    this.place(id, roomFor(uids.length));
    this.arrayOf(id).set(uids, this.startOf(id));
    this.lengths[id] = uids.length;
    this.count++;
    return id;
  }

  /** Frees posting `id` (its id and room are reused). */
  release(id: number): void {
    this.check(id);
    this.freeRoom(id);
    this.deadOf.delete(id);
    this.flags[id] = 0;
    this.freeIds.push(id);
    this.count--;
  }

  /** Entries, dead ones included. */
  length(id: number): number {
    return this.lengths[id];
  }

  /** Entries that are passages still holding the shingle. */
  live(id: number): number {
    return this.lengths[id] - (this.deadOf.get(id)?.length ?? 0);
  }

  sorted(id: number): boolean {
    return (this.flags[id] & 1) === 1;
  }

  /** From now on only appended to (see the class comment). */
  unsort(id: number): void {
    this.flags[id] &= ~1;
  }

  /** Entry `i`. */
  at(id: number, i: number): number {
    return this.arrayOf(id)[this.startOf(id) + i];
  }

  /** The entries in place (see the class comment). */
  view(id: number): Int32Array {
    const start = this.startOf(id);
    return this.arrayOf(id).subarray(start, start + this.lengths[id]);
  }

  /** The first position whose entry is not `isBefore` (entries sorted so that those before come first). */
  lowerBound(id: number, isBefore: (uid: number) => boolean): number {
    const items = this.arrayOf(id);
    const start = this.startOf(id);
    let lo = 0;
    let hi = this.lengths[id];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (isBefore(items[start + mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  push(id: number, uid: number): void {
    this.room(id, 1);
    this.arrayOf(id)[this.startOf(id) + this.lengths[id]++] = uid;
  }

  insertAt(id: number, at: number, uid: number): void {
    this.room(id, 1);
    const items = this.arrayOf(id);
    const start = this.startOf(id);
    items.copyWithin(start + at + 1, start + at, start + this.lengths[id]);
    items[start + at] = uid;
    this.lengths[id]++;
  }

  removeAt(id: number, at: number): void {
    const items = this.arrayOf(id);
    const start = this.startOf(id);
    items.copyWithin(start + at, start + at + 1, start + this.lengths[id]);
    this.lengths[id]--;
  }

  /** Notes that passage `uid` left (an unsorted posting); returns the number of dead entries. */
  markDead(id: number, uid: number): number {
    let dead = this.deadOf.get(id);
    if (!dead) this.deadOf.set(id, (dead = []));
    dead.push(uid);
    return dead.length;
  }

  /** Drops the dead entries (one entry per number noted), keeping the others in order. */
  compact(id: number): void {
    const dead = this.deadOf.get(id);
    if (!dead) return;
    const owed = new Map<number, number>();
    for (const uid of dead) owed.set(uid, (owed.get(uid) ?? 0) + 1);
    const items = this.arrayOf(id);
    const start = this.startOf(id);
    const length = this.lengths[id];
    // Checked before anything moves: a broken invariant leaves the posting as it was.
    const held = new Map<number, number>();
    for (let i = 0; i < length; i++) {
      const uid = items[start + i];
      if (owed.has(uid)) held.set(uid, (held.get(uid) ?? 0) + 1);
    }
    for (const [uid, o] of owed) if ((held.get(uid) ?? 0) < o) throw new Error('posting store: a dead entry was not in the posting');
    this.deadOf.delete(id);
    let n = 0;
    for (let i = 0; i < length; i++) {
      const uid = items[start + i];
      const o = owed.get(uid);
      if (o) owed.set(uid, o - 1);
      else items[start + n++] = uid;
    }
    this.lengths[id] = n;
    // A big posting that lost most of its entries gives its room back.
    if (this.starts[id] < 0 && n * 4 < this.rooms[id]) this.move(id, roomFor(n * 2));
  }

  /** Compacts, then sorts the entries with `order` (a total order on the passages still holding the shingle). */
  sort(id: number, order: (x: number, y: number) => number): void {
    this.compact(id);
    this.view(id).sort(order);
    this.flags[id] |= 1;
  }

  /** Makes room for `more` entries. */
  private room(id: number, more: number): void {
    const need = this.lengths[id] + more;
    if (need > this.rooms[id]) this.move(id, roomFor(Math.max(need, this.rooms[id] * 2)));
  }

  /** Moves posting `id`'s entries to a place of `room` entries. */
  private move(id: number, room: number): void {
    const entries = this.view(id).slice();
    this.freeRoom(id);
    this.place(id, room);
    this.arrayOf(id).set(entries, this.startOf(id));
  }

  /** Gives posting `id` a place of `room` entries (a power of two from 2): a block of the shared chunks up to SLAB_MAX, else its own array. */
  private place(id: number, room: number): void {
    this.rooms[id] = room;
    if (room > SLAB_MAX) {
      this.starts[id] = -1;
      this.big.set(id, new Int32Array(room));
      return;
    }
    const k = Math.log2(room) - 1;
    let start = this.freeBlocks[k].pop();
    if (start === undefined) {
      const size = 1 << this.chunkBits;
      // A block that would cross the chunk's end starts the next chunk (the tail, under SLAB_MAX entries, stays unused).
      if ((this.top & (size - 1)) + room > size) this.top = (this.top >>> this.chunkBits) * size + size;
      if (this.top >>> this.chunkBits >= this.chunks.length) this.chunks.push(new Int32Array(size));
      start = this.top;
      this.top += room;
    }
    this.starts[id] = start;
  }

  private freeRoom(id: number): void {
    if (this.starts[id] < 0) this.big.delete(id);
    else this.freeBlocks[Math.log2(this.rooms[id]) - 1].push(this.starts[id]);
  }

  private arrayOf(id: number): Int32Array {
    const start = this.starts[id];
    return start < 0 ? this.big.get(id)! : this.chunks[start >>> this.chunkBits];
  }

  /** Where posting `id`'s entries start in its array. */
  private startOf(id: number): number {
    const start = this.starts[id];
    return start < 0 ? 0 : start & ((1 << this.chunkBits) - 1);
  }

  private check(id: number): void {
    if (!(this.flags[id] & 2)) throw new Error(`posting store: posting ${id} is not held`);
  }

  private growIds(): void {
    const n = this.flags.length * 2;
    const grow = <T extends Int32Array | Uint8Array>(a: T, b: T): T => (b.set(a), b);
    this.starts = grow(this.starts, new Int32Array(n));
    this.rooms = grow(this.rooms, new Int32Array(n));
    this.lengths = grow(this.lengths, new Int32Array(n));
    this.flags = grow(this.flags, new Uint8Array(n));
  }
}

/** The smallest power of two from 2 holding `n` entries. */
function roomFor(n: number): number {
  return Math.max(2, 2 ** Math.ceil(Math.log2(Math.max(1, n))));
}
