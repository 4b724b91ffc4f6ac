/**
 * One (rule, scope key): its lifecycle state, the latest evaluation, and the evidence of its last change.
 * Evaluators feed conditions in; transitions come out carrying the rule, key, severity and evidence, ready
 * to become `alerts` / `alert_events` rows, SSE messages and webhooks.
 */
import type { Severity } from '../domain/types.js';
import {
  effectiveCondition,
  INITIAL_ALERT_STATE,
  step,
  type AlertPhase,
  type AlertState,
  type Condition,
  type Evidence,
  type LifecycleParams,
  type Observation,
} from './rule-engine.js';
import type { RuleKind } from './rule-schema.js';

/**
 * A change of state of one alert. Mapping onto the schema: a transition out of inactive/resolved opens an
 * `alerts` row (episode n of this rule and key; `started_at` = at), later ones update it (`firing_at`,
 * `resolved_at`, `state`); `pending → inactive` and `error → inactive` close it without it having fired.
 * Every transition is one `alert_events` row.
 */
export interface AlertTransition {
  ruleId: string;
  ruleName: string;
  labels: Record<string, string>;
  kind: RuleKind;
  scopeKey: string;
  severity: Severity;
  episode: number;
  from: AlertPhase;
  to: AlertPhase;
  /** Epoch ms. */
  at: number;
  cause: Condition;
  value: number | null;
  evidence: Evidence;
  message?: string;
}

/** The current state of one alert, as the dashboard lists it. */
export interface AlertView {
  ruleId: string;
  ruleName: string;
  kind: RuleKind;
  scopeKey: string;
  severity: Severity;
  labels: Record<string, string>;
  episode: number;
  state: AlertPhase;
  startedAt: number | null;
  firingAt: number | null;
  resolvedAt: number | null;
  /** Latest evaluation (repeated matches update it), epoch ms. */
  lastEvalAt: number | null;
  lastValue: number | null;
  /** Evidence recorded at the latest transition. */
  evidence: Evidence | null;
  errorMessage: string | null;
}

export interface SlotRule {
  id: string;
  name: string;
  kind: RuleKind;
  labels: Record<string, string>;
}

/** Builds the evidence for a transition: called only when a transition happens. */
export interface EvidenceSource<S> {
  evidence(slot: S, cause: Condition, now: number): Evidence;
}

export interface AlertSlotSnapshot {
  key: string;
  state: AlertState;
  lastEvalAt: number | null;
  lastValue: number | null;
  evidence: Evidence | null;
}

// step() never keeps the observation object, so one scratch object serves every call.
const scratch: Observation = { condition: 'hold', value: null };

export class AlertSlot {
  state: AlertState = INITIAL_ALERT_STATE;
  /** Latest evaluation time; the lifecycle never goes back in time from here. -Infinity before the first. */
  lastEvalAt = -Infinity;
  lastValue: number | null = null;
  evidence: Evidence | null = null;

  constructor(
    readonly rule: SlotRule,
    readonly scopeKey: string,
    readonly severity: Severity,
  ) {}

  /**
   * Feed one observation at `at` (epoch ms; clamped so time never runs backwards for this key) and push any
   * transitions to `out`. `source.evidence(owner, ...)` is asked for evidence only when the state changes.
   */
  observe<S>(
    condition: Condition,
    value: number | null,
    at: number,
    lifecycle: LifecycleParams,
    source: EvidenceSource<S>,
    owner: S,
    out: AlertTransition[],
    message?: string,
  ): void {
    const now = at > this.lastEvalAt ? at : this.lastEvalAt;
    this.lastEvalAt = now;
    this.lastValue = value;
    const phase = this.state.phase;
    // The common cases change nothing (a quiet key seeing quiet data, a firing one seeing more of the same,
    // a pending one in the band): skip the state machine. These are exactly step()'s no-op cases.
    const effective = condition === 'nodata' ? effectiveCondition(condition, lifecycle.noData) : condition;
    if (effective === 'hold' && phase !== 'error') return;
    if (effective === 'clear' && (phase === 'inactive' || phase === 'resolved')) return;
    if (effective === 'match' && phase === 'firing') return;
    scratch.condition = condition;
    scratch.value = value;
    scratch.message = message;
    const result = step(this.state, scratch, now, lifecycle);
    this.state = result.state;
    if (result.transitions.length === 0) return;
    const evidence = jsonSafe(source.evidence(owner, condition, now));
    this.evidence = evidence;
    for (const t of result.transitions) {
      const transition: AlertTransition = {
        ruleId: this.rule.id,
        ruleName: this.rule.name,
        labels: this.rule.labels,
        kind: this.rule.kind,
        scopeKey: this.scopeKey,
        severity: this.severity,
        episode: t.episode,
        from: t.from,
        to: t.to,
        at: t.at,
        cause: t.cause,
        value: t.value !== null && Number.isFinite(t.value) ? t.value : null,
        evidence,
      };
      if (t.message !== undefined) transition.message = t.message;
      out.push(transition);
    }
  }

  view(): AlertView {
    const s = this.state;
    return {
      ruleId: this.rule.id,
      ruleName: this.rule.name,
      kind: this.rule.kind,
      scopeKey: this.scopeKey,
      severity: this.severity,
      labels: this.rule.labels,
      episode: s.episode,
      state: s.phase,
      startedAt: s.startedAt,
      firingAt: s.firingAt,
      resolvedAt: s.resolvedAt,
      lastEvalAt: Number.isFinite(this.lastEvalAt) ? this.lastEvalAt : null,
      lastValue: this.lastValue,
      evidence: this.evidence,
      errorMessage: s.errorMessage,
    };
  }

  snapshot(): AlertSlotSnapshot {
    return {
      key: this.scopeKey,
      state: this.state,
      lastEvalAt: Number.isFinite(this.lastEvalAt) ? this.lastEvalAt : null,
      lastValue: this.lastValue,
      evidence: this.evidence,
    };
  }

  restore(s: AlertSlotSnapshot): void {
    this.state = { ...INITIAL_ALERT_STATE, ...s.state };
    this.lastEvalAt = s.lastEvalAt ?? -Infinity;
    this.lastValue = s.lastValue;
    this.evidence = s.evidence;
  }
}

/** Lifecycle parameters of a rule; area rules have no no-data notion and keep their state. */
export function lifecycleOf(params: {
  forSeconds: number;
  minFiringSeconds: number;
  noData?: LifecycleParams['noData'];
}): LifecycleParams {
  return {
    forSeconds: params.forSeconds,
    minFiringSeconds: params.minFiringSeconds,
    noData: params.noData ?? 'keep',
  };
}

/**
 * Evidence goes to jsonb, SSE and webhooks: non-finite numbers (a corrupt NaN reading, an infinite limit)
 * become null and undefined fields go, so what is stored is exactly what live evaluation saw. Works in
 * place (evidence objects are built fresh for each transition) and returns its argument.
 */
export function jsonSafe<T>(value: T): T {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) value[i] = null;
      } else if (v !== null && typeof v === 'object') jsonSafe(v);
    }
  } else if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const k in o) {
      const v = o[k];
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) o[k] = null;
      } else if (v === undefined) delete o[k];
      else if (v !== null && typeof v === 'object') jsonSafe(v);
    }
  }
  return value;
}
