/**
 * A least-recently-used cache bounded by the total size of its values, in bytes as the caller
 * measures them (`sizeOf`). A value larger than the whole budget is not kept at all.
 */
export class LruCache<V> {
  private readonly items = new Map<string, { value: V; bytes: number }>();
  private total = 0;

  constructor(
    readonly maxBytes: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.items.size;
  }

  /** The value, marked as the most recently used; `undefined` on a miss. */
  get(key: string): V | undefined {
    const item = this.items.get(key);
    if (!item) return undefined;
    this.items.delete(key);
    this.items.set(key, item);
    return item.value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    const bytes = this.sizeOf(value);
    if (bytes > this.maxBytes) return;
    this.items.set(key, { value, bytes });
    this.total += bytes;
    for (const [oldest, item] of this.items) {
      if (this.total <= this.maxBytes) break;
      this.items.delete(oldest);
      this.total -= item.bytes;
    }
  }

  delete(key: string): void {
    const item = this.items.get(key);
    if (!item) return;
    this.items.delete(key);
    this.total -= item.bytes;
  }

  clear(): void {
    this.items.clear();
    this.total = 0;
  }
}
