import { describe, expect, it } from 'vitest';
import { createStore } from '../../client/state/store.js';

describe('createStore', () => {
  it('merges updates and tells listeners the new and previous state', () => {
    const store = createStore({ a: 1, b: 'x' });
    const seen: [number, number][] = [];
    store.subscribe((state, previous) => seen.push([state.a, previous.a]));
    store.set({ a: 2 });
    store.set((s) => ({ a: s.a + 1 }));
    expect(store.get()).toEqual({ a: 3, b: 'x' });
    expect(seen).toEqual([
      [2, 1],
      [3, 2],
    ]);
  });

  it('does not notify when nothing changed', () => {
    const store = createStore({ a: 1 });
    let calls = 0;
    store.subscribe(() => calls++);
    store.set({ a: 1 });
    expect(calls).toBe(0);
  });

  it('stops notifying after unsubscribe', () => {
    const store = createStore({ a: 1 });
    let calls = 0;
    const unsubscribe = store.subscribe(() => calls++);
    unsubscribe();
    store.set({ a: 2 });
    expect(calls).toBe(0);
  });
});
