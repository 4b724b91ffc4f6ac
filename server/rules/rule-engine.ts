/**
 * The alert lifecycle: one pure state machine per (rule, scope key).
 *
 *   inactive ──match──▶ pending ──match, held for `for`──▶ firing ──clear, after minFiring──▶ resolved
 *                         │                                                                     │
 *                         └──clear──▶ inactive                          resolved ──match──▶ pending (a new episode)
 *   any ──error──▶ error ──next good observation──▶ (where it would have been)
 *
 * An evaluator turns data into an observation; this file never looks at data, only at the condition:
 * - `match`: the rule's firing condition holds (value above the firing threshold).
 * - `clear`: the value is at or past the clear threshold: the condition is definitively over.
 * - `hold`: neither — the value sits in the hysteresis band between the two thresholds, or the frame was
 *   obscured/invalid. A hold never fires and never resolves: it keeps a pending alert pending and a firing
 *   one firing. Together with the separate clear threshold this is a Schmitt trigger, so readings that
 *   hover at the threshold do not flap.
 * - `nodata`: no fresh data; mapped by the rule's `noData` mode (keep → hold, resolve → clear, alert → match).
 * - `error`: evaluation itself failed; the alert shows the error and resumes when a good observation comes.
 *
 * Times are epoch milliseconds passed in by the caller; nothing here reads a clock.
 */

export const ALERT_PHASES = ['inactive', 'pending', 'firing', 'resolved', 'error'] as const;
export type AlertPhase = (typeof ALERT_PHASES)[number];

export const CONDITIONS = ['match', 'clear', 'hold', 'nodata', 'error'] as const;
export type Condition = (typeof CONDITIONS)[number];

export const NO_DATA_MODES = ['keep', 'resolve', 'alert'] as const;
export type NoDataMode = (typeof NO_DATA_MODES)[number];

/** Why an alert fired: readings or counts, thresholds, window. Plain JSON, stored with the alert. */
export type Evidence = { readonly [key: string]: unknown };

export interface LifecycleParams {
  /** How long the condition must hold (from the first match) before the alert fires, seconds. */
  forSeconds: number;
  /** A firing alert stays firing at least this long even if the value clears, seconds. */
  minFiringSeconds: number;
  /** What a `nodata` observation means. */
  noData: NoDataMode;
}

export interface Observation {
  condition: Condition;
  /** The evaluated value (°C, °C/h, a count, a percentage...), null when there is none. */
  value: number | null;
  evidence?: Evidence;
  /** For `error`: what went wrong, shown to operators. */
  message?: string;
}

/** The state of one (rule, scope key). Immutable; `step` returns the same object when nothing changed. */
export interface AlertState {
  readonly phase: AlertPhase;
  /** Counts alerts opened for this key; an alert is one episode (one row in `alerts`). */
  readonly episode: number;
  /** When the current (or last) episode opened: its first pending or error, ms. */
  readonly startedAt: number | null;
  /** Start of the current run of matches that the `for` timer counts from, ms. */
  readonly pendingSince: number | null;
  readonly firingAt: number | null;
  readonly resolvedAt: number | null;
  /** While in `error`: the phase to resume from. */
  readonly resumePhase: Exclude<AlertPhase, 'error'> | null;
  readonly errorMessage: string | null;
}

export interface LifecycleTransition {
  from: AlertPhase;
  to: AlertPhase;
  /** Epoch ms. */
  at: number;
  episode: number;
  /** The observed condition that caused it (before the noData mapping). */
  cause: Condition;
  value: number | null;
  evidence?: Evidence;
  message?: string;
}

export interface StepResult {
  state: AlertState;
  transitions: readonly LifecycleTransition[];
}

export const INITIAL_ALERT_STATE: AlertState = Object.freeze({
  phase: 'inactive',
  episode: 0,
  startedAt: null,
  pendingSince: null,
  firingAt: null,
  resolvedAt: null,
  resumePhase: null,
  errorMessage: null,
});

const NO_TRANSITIONS: readonly LifecycleTransition[] = Object.freeze([]);

/** Whether an alert is open (a row the dashboard shows as active): pending, firing or error. */
export function isOpenPhase(phase: AlertPhase): boolean {
  return phase === 'pending' || phase === 'firing' || phase === 'error';
}

/** The condition the lifecycle acts on once `nodata` is mapped through the rule's mode. */
export function effectiveCondition(condition: Condition, noData: NoDataMode): Condition {
  if (condition !== 'nodata') return condition;
  return noData === 'alert' ? 'match' : noData === 'resolve' ? 'clear' : 'hold';
}

/**
 * Advance one (rule, scope key) by one observation at `now` (epoch ms).
 *
 * Pending needs a `match` at or after `pendingSince + forSeconds` to fire, so the firing time is the
 * first match at or after that instant (a periodic sweep re-applies the latest reading, so it is never
 * later than one sweep interval). With `forSeconds = 0` a match opens and fires at once: two transitions,
 * inactive→pending and pending→firing, at the same instant. A firing alert resolves on the first `clear`
 * at or after `firingAt + minFiringSeconds`.
 *
 * @example
 * let s = INITIAL_ALERT_STATE;
 * s = step(s, { condition: 'match', value: 81 }, 0, p).state;        // pending at 0
 * s = step(s, { condition: 'match', value: 82 }, 60_000, p).state;   // firing at 60 s when forSeconds = 60
 */
export function step(
  state: AlertState,
  observation: Observation,
  now: number,
  params: LifecycleParams,
): StepResult {
  if (!Number.isFinite(now)) throw new RangeError(`step: now must be finite epoch milliseconds, got ${now}`);
  const { condition } = observation;
  if (condition === 'error') return enterError(state, observation, now);
  const effective = effectiveCondition(condition, params.noData);
  if (state.phase !== 'error') return advance(state, effective, observation, now, params, false);

  // Leaving error: act as if from the phase we were in, but the episode the error opened stays the same.
  const resume = state.resumePhase ?? 'inactive';
  const base: AlertState = { ...state, phase: resume, resumePhase: null, errorMessage: null };
  const result = advance(base, effective, observation, now, params, !isOpenPhase(resume));
  if (result.transitions.length === 0) {
    return {
      state: result.state,
      transitions: [transition('error', resume, now, result.state.episode, observation)],
    };
  }
  const [first, ...rest] = result.transitions as LifecycleTransition[];
  return { state: result.state, transitions: [{ ...first!, from: 'error' }, ...rest] };
}

function enterError(state: AlertState, observation: Observation, now: number): StepResult {
  const message = observation.message ?? 'evaluation failed';
  if (state.phase === 'error') {
    return state.errorMessage === message
      ? { state, transitions: NO_TRANSITIONS }
      : { state: { ...state, errorMessage: message }, transitions: NO_TRANSITIONS };
  }
  const opens = !isOpenPhase(state.phase);
  const next: AlertState = opens
    ? {
        phase: 'error',
        episode: state.episode + 1,
        startedAt: now,
        pendingSince: null,
        firingAt: null,
        resolvedAt: null,
        resumePhase: 'inactive',
        errorMessage: message,
      }
    : { ...state, phase: 'error', resumePhase: state.phase as 'pending' | 'firing', errorMessage: message };
  return { state: next, transitions: [transition(state.phase, 'error', now, next.episode, observation)] };
}

function advance(
  state: AlertState,
  condition: Condition,
  observation: Observation,
  now: number,
  params: LifecycleParams,
  episodeAlreadyOpen: boolean,
): StepResult {
  switch (state.phase) {
    case 'inactive':
    case 'resolved': {
      if (condition !== 'match') return { state, transitions: NO_TRANSITIONS };
      const episode = episodeAlreadyOpen ? state.episode : state.episode + 1;
      const pending: AlertState = {
        phase: 'pending',
        episode,
        startedAt: episodeAlreadyOpen ? state.startedAt : now,
        pendingSince: now,
        firingAt: null,
        resolvedAt: null,
        resumePhase: null,
        errorMessage: null,
      };
      const opened = transition(state.phase, 'pending', now, episode, observation);
      if (params.forSeconds > 0) return { state: pending, transitions: [opened] };
      return {
        state: { ...pending, phase: 'firing', firingAt: now },
        transitions: [opened, transition('pending', 'firing', now, episode, observation)],
      };
    }
    case 'pending': {
      if (condition === 'match') {
        if (now - (state.pendingSince ?? now) < params.forSeconds * 1000)
          return { state, transitions: NO_TRANSITIONS };
        return {
          state: { ...state, phase: 'firing', firingAt: now },
          transitions: [transition('pending', 'firing', now, state.episode, observation)],
        };
      }
      if (condition === 'clear') {
        return {
          state: { ...state, phase: 'inactive', pendingSince: null },
          transitions: [transition('pending', 'inactive', now, state.episode, observation)],
        };
      }
      return { state, transitions: NO_TRANSITIONS };
    }
    case 'firing': {
      if (condition !== 'clear') return { state, transitions: NO_TRANSITIONS };
      if (now - (state.firingAt ?? now) < params.minFiringSeconds * 1000)
        return { state, transitions: NO_TRANSITIONS };
      return {
        state: { ...state, phase: 'resolved', pendingSince: null, resolvedAt: now },
        transitions: [transition('firing', 'resolved', now, state.episode, observation)],
      };
    }
    case 'error':
      throw new Error('advance: the error phase is handled by step');
  }
}

function transition(
  from: AlertPhase,
  to: AlertPhase,
  at: number,
  episode: number,
  observation: Observation,
): LifecycleTransition {
  const t: LifecycleTransition = {
    from,
    to,
    at,
    episode,
    cause: observation.condition,
    value: observation.value,
  };
  if (observation.evidence !== undefined) t.evidence = observation.evidence;
  if (observation.condition === 'error') t.message = observation.message ?? 'evaluation failed';
  return t;
}
