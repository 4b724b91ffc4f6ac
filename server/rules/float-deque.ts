/**
 * A growable double-ended queue of numbers on a Float64Array ring: the storage behind the sliding windows
 * (monotonic min deques, sample queues), with O(1) amortised push and pop at both ends and no per-item
 * allocation.
 */
export class FloatDeque {
  private buf: Float64Array;
  private mask: number;
  private head = 0;
  private count = 0;

  constructor(initialCapacity = 16) {
    let cap = 4;
    while (cap < initialCapacity) cap *= 2;
    this.buf = new Float64Array(cap);
    this.mask = cap - 1;
  }

  get length(): number {
    return this.count;
  }

  /** The i-th item from the front (0 = front); undefined behaviour outside [0, length). */
  at(i: number): number {
    return this.buf[(this.head + i) & this.mask]!;
  }

  front(): number {
    return this.buf[this.head]!;
  }

  back(): number {
    return this.buf[(this.head + this.count - 1) & this.mask]!;
  }

  pushBack(v: number): void {
    if (this.count === this.buf.length) this.grow();
    this.buf[(this.head + this.count) & this.mask] = v;
    this.count++;
  }

  popBack(): number {
    if (this.count === 0) throw new RangeError('FloatDeque.popBack on an empty deque');
    this.count--;
    return this.buf[(this.head + this.count) & this.mask]!;
  }

  popFront(): number {
    if (this.count === 0) throw new RangeError('FloatDeque.popFront on an empty deque');
    const v = this.buf[this.head]!;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    return v;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  /** Items front to back, as a plain array (JSON-safe: NaN becomes null). */
  toJSON(): (number | null)[] {
    const out: (number | null)[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const v = this.at(i);
      out[i] = Number.isNaN(v) ? null : v;
    }
    return out;
  }

  static fromJSON(items: readonly (number | null)[]): FloatDeque {
    const d = new FloatDeque(items.length);
    for (const v of items) d.pushBack(v ?? NaN);
    return d;
  }

  private grow(): void {
    const next = new Float64Array(this.buf.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.at(i);
    this.buf = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}
