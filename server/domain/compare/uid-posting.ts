/**
 * The passages holding one shingle, as passage numbers (uids) in a growable Int32Array: 4 bytes an
 * entry instead of an 8-byte reference in a JS array (a shingle of a corpus of one beat is held by
 * hundreds of thousands of passages; 10,000 generated articles hold 4,000,000 entries).
 *
 * Kept sorted (corpus order, compared by the caller) while the neighbour rules may read it; past the
 * stop threshold it is only appended to, and a passage that leaves is only noted (`dead`), until a
 * rule needs its order again (`compact`, then a sort): a shift of the whole array per insert or
 * removal would cost too much. A number is reused by a later passage once its passage left, so an
 * unsorted posting may hold a number twice, once for the passage that left and once for the one
 * now holding it: which entry is dropped does not matter (the entries are equal, and the order of an
 * unsorted posting is never read).
 */
export class UidPosting {
  /** Entries [0, length); the rest is room to grow. */
  items: Int32Array;
  length: number;
  sorted = true;
  /** Numbers of passages that left an unsorted posting, one per dead entry (null: none). */
  dead: number[] | null = null;

  constructor(uids: ArrayLike<number>, capacity = Math.max(4, uids.length)) {
    this.items = new Int32Array(capacity);
    this.items.set(uids);
    this.length = uids.length;
  }

  /** Entries that are passages still holding the shingle. */
  get live(): number {
    return this.length - (this.dead?.length ?? 0);
  }

  /** The entries, in place (a view: valid until the posting changes). */
  view(): Int32Array {
    return this.items.subarray(0, this.length);
  }

  push(uid: number): void {
    this.room(1);
    this.items[this.length++] = uid;
  }

  insertAt(at: number, uid: number): void {
    this.room(1);
    this.items.copyWithin(at + 1, at, this.length);
    this.items[at] = uid;
    this.length++;
  }

  removeAt(at: number): void {
    this.items.copyWithin(at, at + 1, this.length);
    this.length--;
  }

  /** Notes that passage `uid` left (an unsorted posting); returns the number of dead entries. */
  markDead(uid: number): number {
    (this.dead ??= []).push(uid);
    return this.dead.length;
  }

  /** Drops the dead entries (one entry per number noted), keeping the others in order. */
  compact(): void {
    const dead = this.dead;
    if (!dead) return;
    const owed = new Map<number, number>();
    for (const uid of dead) owed.set(uid, (owed.get(uid) ?? 0) + 1);
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      const uid = this.items[i];
      const o = owed.get(uid);
      if (o) owed.set(uid, o - 1);
      else this.items[n++] = uid;
    }
    if (n !== this.length - dead.length) throw new Error('uid posting: a dead entry was not in the posting');
    this.length = n;
    this.dead = null;
    // Shrink when mostly empty, so a posting that lost most of its passages gives its memory back.
    if (this.items.length > 16 && n * 4 < this.items.length) this.items = this.items.slice(0, Math.max(4, n * 2));
  }

  /** Compacts and sorts the entries with `order` (a total order on the passages still holding the shingle). */
  sort(order: (x: number, y: number) => number): void {
    this.compact();
    this.view().sort(order);
    this.sorted = true;
  }

  private room(more: number): void {
    if (this.length + more <= this.items.length) return;
    const grown = new Int32Array(Math.max(4, this.items.length * 2, this.length + more));
    grown.set(this.items.subarray(0, this.length));
    this.items = grown;
  }
}
