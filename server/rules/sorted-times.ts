/**
 * Event times kept in order (with their ids), for counting events in sliding windows: O(log n) counts,
 * O(1) appends in time order, O(n) insertion for the rare late arrival, amortised O(1) eviction.
 */
export class SortedTimes {
  // Live events are ts[head..end) and ids[head..end); evicted ones linger before head until compaction.
  private ts: Float64Array;
  private ids: string[] = [];
  private head = 0;
  private end = 0;

  constructor(initialCapacity = 16) {
    this.ts = new Float64Array(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.end - this.head;
  }

  /** Add an event; a late one goes in its place (after any equal times). */
  insert(t: number, id: string): void {
    if (this.end === this.ts.length) this.makeRoom();
    if (this.end > this.head && this.ts[this.end - 1]! > t) {
      const i = this.upperBound(t);
      this.ts.copyWithin(i + 1, i, this.end);
      this.ts[i] = t;
      this.ids.splice(i, 0, id);
    } else {
      this.ts[this.end] = t;
      this.ids[this.end] = id;
    }
    this.end++;
  }

  /** Forget events at or before `t`. */
  dropAtOrBefore(t: number): void {
    this.head = this.upperBound(t);
  }

  /** Events with lo < t ≤ hi, by binary search. */
  countIn(lo: number, hi: number): number {
    return Math.max(0, this.upperBound(hi) - this.upperBound(lo));
  }

  /** Events with lo < t ≤ hi, by scanning every kept event (the naive count). */
  countInByScan(lo: number, hi: number): number {
    let n = 0;
    for (let i = this.head; i < this.end; i++) {
      const t = this.ts[i]!;
      if (t > lo && t <= hi) n++;
    }
    return n;
  }

  /** Up to `limit` of the latest events with lo < t ≤ hi, oldest first. */
  eventsIn(lo: number, hi: number, limit: number): { t: number; id: string }[] {
    const b = this.upperBound(hi);
    const a = Math.max(this.upperBound(lo), b - limit);
    const out: { t: number; id: string }[] = [];
    for (let i = a; i < b; i++) out.push({ t: this.ts[i]!, id: this.ids[i]! });
    return out;
  }

  toJSON(): { ts: number[]; ids: string[] } {
    return {
      ts: Array.from(this.ts.subarray(this.head, this.end)),
      ids: this.ids.slice(this.head, this.end),
    };
  }

  static fromJSON(s: { ts: number[]; ids: string[] }): SortedTimes {
    const st = new SortedTimes(s.ts.length * 2);
    st.ts.set(s.ts);
    st.ids = s.ids.slice();
    st.end = s.ts.length;
    return st;
  }

  /** First index in [head, end) whose time is > t. */
  private upperBound(t: number): number {
    let lo = this.head;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private makeRoom(): void {
    const n = this.length;
    if (n * 2 <= this.ts.length) {
      // At least half the buffer is evicted space: compact in place.
      this.ts.copyWithin(0, this.head, this.end);
    } else {
      const next = new Float64Array(this.ts.length * 2);
      next.set(this.ts.subarray(this.head, this.end));
      this.ts = next;
    }
    this.ids = this.ids.slice(this.head, this.end);
    this.head = 0;
    this.end = n;
  }
}
