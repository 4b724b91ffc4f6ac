import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { referenceDataSettled, whenReferenceDataSettled } from '../../client/data/load-reference-data.js';
import { emptyCollection } from '../../client/data/reference-features.js';
import { INITIAL_RUNTIME_STATE, type RuntimeState } from '../../client/state/runtime-state.js';
import { createStore } from '../../client/state/store.js';

const ready = { status: 'ready', data: emptyCollection() } as const;

function settle(
  runtime: ReturnType<typeof createStore<RuntimeState>>,
  ids: (keyof RuntimeState['datasets'])[],
) {
  runtime.set((s) => ({
    datasets: {
      ...s.datasets,
      ...Object.fromEntries(ids.map((id) => [id, ready])),
    } as RuntimeState['datasets'],
  }));
}

describe('waiting for the reference data before the map starts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('counts a failed dataset as settled, a loading one as not', () => {
    expect(referenceDataSettled(INITIAL_RUNTIME_STATE)).toBe(false);
    const datasets = {
      provinces: ready,
      regions: ready,
      centers: { status: 'error', message: '503' },
      volcanoes: ready,
    } as RuntimeState['datasets'];
    expect(referenceDataSettled({ ...INITIAL_RUNTIME_STATE, datasets })).toBe(true);
    expect(
      referenceDataSettled({
        ...INITIAL_RUNTIME_STATE,
        datasets: { ...datasets, volcanoes: { status: 'loading' } },
      }),
    ).toBe(false);
  });

  it('resolves when the last dataset arrives, not before', async () => {
    const runtime = createStore(INITIAL_RUNTIME_STATE);
    let done = false;
    void whenReferenceDataSettled(runtime, 1500).then(() => (done = true));
    settle(runtime, ['provinces', 'regions', 'centers']);
    await vi.advanceTimersByTimeAsync(100);
    expect(done).toBe(false);
    settle(runtime, ['volcanoes']);
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });

  it('gives up waiting after the time allowed, so a slow server does not keep the map away', async () => {
    const runtime = createStore(INITIAL_RUNTIME_STATE);
    let done = false;
    void whenReferenceDataSettled(runtime, 1500).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(1499);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('resolves at once when the data are already in', async () => {
    const runtime = createStore(INITIAL_RUNTIME_STATE);
    settle(runtime, ['provinces', 'regions', 'centers', 'volcanoes']);
    let done = false;
    void whenReferenceDataSettled(runtime, 1500).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });
});
