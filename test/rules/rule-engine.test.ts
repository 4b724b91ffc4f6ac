import { describe, expect, it } from 'vitest';
import {
  INITIAL_ALERT_STATE,
  step,
  type AlertState,
  type Condition,
  type LifecycleParams,
  type LifecycleTransition,
} from '../../server/rules/rule-engine.js';

const S = 1000;

function params(p: Partial<LifecycleParams> = {}): LifecycleParams {
  return { forSeconds: 60, minFiringSeconds: 0, noData: 'keep', ...p };
}

/** Run [seconds, condition] pairs through step; return the transitions as "from>to@s" and the end state. */
function run(seq: [number, Condition][], p: LifecycleParams, start: AlertState = INITIAL_ALERT_STATE) {
  let state = start;
  const transitions: LifecycleTransition[] = [];
  for (const [t, condition] of seq) {
    const r = step(
      state,
      { condition, value: t, message: condition === 'error' ? `boom at ${t}` : undefined },
      t * S,
      p,
    );
    state = r.state;
    transitions.push(...r.transitions);
  }
  return { state, transitions, summary: transitions.map((t) => `${t.from}>${t.to}@${t.at / S}`) };
}

describe('lifecycle: pending and firing', () => {
  it('goes pending at the first match and firing at the first match at or after pending + for', () => {
    const r = run(
      [
        [0, 'clear'],
        [10, 'match'],
        [40, 'match'],
        [69, 'match'],
        [70, 'match'],
        [80, 'match'],
      ],
      params({ forSeconds: 60 }),
    );
    expect(r.summary).toEqual(['inactive>pending@10', 'pending>firing@70']);
    expect(r.state).toMatchObject({
      phase: 'firing',
      episode: 1,
      startedAt: 10 * S,
      pendingSince: 10 * S,
      firingAt: 70 * S,
    });
  });

  it('opens and fires at the same instant when for is 0', () => {
    expect(run([[5, 'match']], params({ forSeconds: 0 })).summary).toEqual([
      'inactive>pending@5',
      'pending>firing@5',
    ]);
  });

  it('drops a pending alert back to inactive on clear, and starts the for timer again on the next match', () => {
    const r = run(
      [
        [0, 'match'],
        [30, 'clear'],
        [40, 'match'],
        [90, 'match'],
        [100, 'match'],
      ],
      params({ forSeconds: 60 }),
    );
    expect(r.summary).toEqual([
      'inactive>pending@0',
      'pending>inactive@30',
      'inactive>pending@40',
      'pending>firing@100',
    ]);
    expect(r.state.episode).toBe(2);
  });

  it('keeps pending through holds (the hysteresis band, obscured frames) but never fires on a hold', () => {
    const r = run(
      [
        [0, 'match'],
        [30, 'hold'],
        [60, 'hold'],
        [90, 'hold'],
        [95, 'match'],
      ],
      params({ forSeconds: 60 }),
    );
    expect(r.summary).toEqual(['inactive>pending@0', 'pending>firing@95']);
  });
});

describe('lifecycle: resolution', () => {
  it('resolves on the first clear, and a hold never resolves', () => {
    const r = run(
      [
        [0, 'match'],
        [10, 'hold'],
        [20, 'hold'],
        [30, 'clear'],
      ],
      params({ forSeconds: 0 }),
    );
    expect(r.summary).toEqual(['inactive>pending@0', 'pending>firing@0', 'firing>resolved@30']);
    expect(r.state).toMatchObject({ phase: 'resolved', resolvedAt: 30 * S });
  });

  it('stays firing for minFiringSeconds even if the value clears at once', () => {
    const r = run(
      [
        [0, 'match'],
        [10, 'clear'],
        [299, 'clear'],
        [300, 'clear'],
      ],
      params({ forSeconds: 0, minFiringSeconds: 300 }),
    );
    expect(r.summary).toEqual(['inactive>pending@0', 'pending>firing@0', 'firing>resolved@300']);
  });

  it('opens a new episode (a new alert) after resolution', () => {
    const r = run(
      [
        [0, 'match'],
        [10, 'clear'],
        [20, 'match'],
      ],
      params({ forSeconds: 0 }),
    );
    expect(r.transitions.map((t) => t.episode)).toEqual([1, 1, 1, 2, 2]);
    expect(r.state).toMatchObject({ phase: 'firing', episode: 2, startedAt: 20 * S, resolvedAt: null });
  });
});

describe('lifecycle: no data', () => {
  const firing = run([[0, 'match']], params({ forSeconds: 0 })).state;

  it('keep: silence changes nothing', () => {
    expect(run([[100, 'nodata']], params({ noData: 'keep' }), firing).transitions).toEqual([]);
  });

  it('resolve: silence resolves (after minFiringSeconds)', () => {
    expect(run([[100, 'nodata']], params({ noData: 'resolve' }), firing).summary).toEqual([
      'firing>resolved@100',
    ]);
    expect(
      run([[100, 'nodata']], params({ noData: 'resolve', minFiringSeconds: 200 }), firing).transitions,
    ).toEqual([]);
  });

  it('alert: silence opens an alert like a match, with the cause recorded', () => {
    const r = run(
      [
        [0, 'nodata'],
        [60, 'nodata'],
      ],
      params({ noData: 'alert', forSeconds: 60 }),
    );
    expect(r.summary).toEqual(['inactive>pending@0', 'pending>firing@60']);
    expect(r.transitions.map((t) => t.cause)).toEqual(['nodata', 'nodata']);
  });
});

describe('lifecycle: error', () => {
  it('shows an evaluation error as its own alert and closes it when evaluation works again', () => {
    const r = run(
      [
        [0, 'error'],
        [10, 'error'],
        [20, 'clear'],
      ],
      params(),
    );
    expect(r.summary).toEqual(['inactive>error@0', 'error>inactive@20']);
    expect(r.transitions[0]).toMatchObject({ message: 'boom at 0', episode: 1 });
    expect(r.state.phase).toBe('inactive');
  });

  it('keeps the latest error message while in error', () => {
    const r = run(
      [
        [0, 'error'],
        [10, 'error'],
      ],
      params(),
    );
    expect(r.state.errorMessage).toBe('boom at 10');
  });

  it('resumes a firing alert where it was, in the same episode', () => {
    const r = run(
      [
        [0, 'match'],
        [10, 'error'],
        [20, 'match'],
        [30, 'clear'],
      ],
      params({ forSeconds: 0 }),
    );
    expect(r.summary).toEqual([
      'inactive>pending@0',
      'pending>firing@0',
      'firing>error@10',
      'error>firing@20',
      'firing>resolved@30',
    ]);
    expect(new Set(r.transitions.map((t) => t.episode))).toEqual(new Set([1]));
  });

  it('keeps the for timer of a pending alert across an error', () => {
    const r = run(
      [
        [0, 'match'],
        [30, 'error'],
        [60, 'match'],
      ],
      params({ forSeconds: 60 }),
    );
    expect(r.summary).toEqual(['inactive>pending@0', 'pending>error@30', 'error>firing@60']);
  });

  it('turns an error that opened the alert into a pending one in the same episode on a match', () => {
    const r = run(
      [
        [0, 'error'],
        [10, 'match'],
      ],
      params({ forSeconds: 60 }),
    );
    expect(r.summary).toEqual(['inactive>error@0', 'error>pending@10']);
    expect(r.state).toMatchObject({ episode: 1, startedAt: 0, pendingSince: 10 * S });
  });
});

describe('step is pure', () => {
  it('returns the same state object when nothing changes and never mutates its input', () => {
    const p = params({ forSeconds: 60 });
    const pending = step(INITIAL_ALERT_STATE, { condition: 'match', value: 1 }, 0, p).state;
    const frozen = Object.freeze({ ...pending });
    const r = step(frozen, { condition: 'match', value: 2 }, 30 * S, p);
    expect(r.state).toBe(frozen);
    expect(r.transitions).toEqual([]);
    const r2 = step(frozen, { condition: 'match', value: 2 }, 60 * S, p);
    expect(r2.state.phase).toBe('firing');
    expect(frozen.phase).toBe('pending');
  });

  it('refuses a non-finite time, naming it', () => {
    expect(() => step(INITIAL_ALERT_STATE, { condition: 'match', value: 1 }, NaN, params())).toThrow(
      /got NaN/,
    );
  });
});
