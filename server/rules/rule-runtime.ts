/**
 * The live side of one rule: its alert slots (one per scope key) and the windows behind them. The evaluator
 * (rule-evaluator.ts) routes inputs to runtimes; each kind's runtime lives with its evaluator.
 */
import type { AlertTransition, AlertView } from './alert-slot.js';
import type { CameraFeed, CameraSubscriber } from './camera-feed.js';
import type { CoverageInput, IncidentInput } from './rule-inputs.js';
import type { StoredRule } from './rule-schema.js';

export interface RuleRuntime {
  readonly rule: StoredRule;
  /** Start watching a camera if the rule's scope includes it (idempotent); null when it does not. */
  attachCamera(feed: CameraFeed): CameraSubscriber | null;
  onIncident(incident: IncidentInput, out: AlertTransition[]): void;
  onCoverage(coverage: CoverageInput, out: AlertTransition[]): void;
  /** Re-evaluate time-dependent conditions at `nowMs` (silence, windows emptying, resolution). */
  sweep(nowMs: number, out: AlertTransition[]): void;
  /** Every alert this rule has opened at least once, in its current state. */
  alerts(): AlertView[];
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}
