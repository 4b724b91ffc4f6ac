/**
 * Backtesting over stored history: what a saved or draft rule would have raised between two instants.
 * Reads the same rows a restart would replay (the camera registry, thermal readings, incidents with their
 * region) and runs them through server/rules/backtest.ts, the live evaluator's own code path, so the
 * answer is exactly what live evaluation of the same data raised.
 */
import type { Queryable } from '../db/database.js';
import { cameraRefs, incidentHistory, readingHistory } from '../db/rule-store.js';
import { backtestRule, type BacktestResult } from '../rules/backtest.js';
import type { ReadingColumns } from '../rules/history-columns.js';
import { ruleWarmupSeconds, type RuleDefinition, type StoredRule } from '../rules/rule-schema.js';
import { cameraInScope, type CameraRef } from '../rules/scope.js';

const NO_READINGS: ReadingColumns = {
  cameraIds: [],
  camera: new Uint32Array(0),
  ts: new Float64Array(0),
  maxC: new Float64Array(0),
  meanC: new Float64Array(0),
  quality: new Uint8Array(0),
};

/**
 * Runs `rule` over stored history for [fromMs, toMs] (epoch ms), evaluating from
 * fromMs − ruleWarmupSeconds(rule) so its windows are full at fromMs. Only the cameras the rule can watch
 * are read.
 */
export async function backtestStoredHistory(
  db: Queryable,
  rule: StoredRule | RuleDefinition,
  fromMs: number,
  toMs: number,
  options: { sweepIntervalSeconds?: number } = {},
): Promise<BacktestResult> {
  const startMs = fromMs - ruleWarmupSeconds(rule) * 1000;
  const cameras = await cameraRefs(db, { lastSeenBeforeMs: startMs });
  const range = { afterMs: startMs - 1, toMs };
  let readings = NO_READINGS;
  if (rule.kind !== 'incident_surge' && rule.kind !== 'coverage_loss') {
    const watched = cameras.filter((c) => ruleWatchesCamera(rule, c)).map((c) => c.id);
    if (watched.length > 0) readings = await readingHistory(db, range, watched);
  }
  const incidents =
    rule.kind === 'incident_surge'
      ? await incidentHistory(db, {
          ...range,
          // Cells need no region unless the rule is limited to one.
          withRegion: rule.params.groupBy === 'region' || rule.scope.type === 'region',
          ...(rule.params.categories ? { categories: rule.params.categories } : {}),
        })
      : [];
  return backtestRule(
    rule,
    { readings, incidents, cameras },
    { fromMs, toMs, startMs, sweepIntervalSeconds: options.sweepIntervalSeconds },
  );
}

/**
 * Whether a rule reads this camera's readings: a camera rule whose scope includes it and whose kinds
 * admit it (the runtimes' own test); area rules read none.
 */
export function ruleWatchesCamera(rule: RuleDefinition, camera: CameraRef): boolean {
  if (rule.kind === 'incident_surge' || rule.kind === 'coverage_loss') return false;
  if (!cameraInScope(rule.scope, camera)) return false;
  if (rule.kind === 'stale_sensor') {
    const kinds = rule.params.cameraKinds;
    return !kinds || (camera.kind !== null && camera.kind !== undefined && kinds.includes(camera.kind));
  }
  return !camera.kind || camera.kind === 'thermal';
}
