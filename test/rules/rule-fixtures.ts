/** Small builders shared by the rules tests (not a test file). */
import type { ReadingQuality } from '../../server/domain/types.js';
import type { AlertTransition } from '../../server/rules/alert-slot.js';
import { RuleEvaluator } from '../../server/rules/rule-evaluator.js';
import { assertRule, type RuleDefinitionInput, type StoredRule } from '../../server/rules/rule-schema.js';
import type { CameraRef } from '../../server/rules/scope.js';

export const S = 1000;
export const MIN = 60 * S;
export const HOUR = 3600 * S;
export const DAY = 24 * HOUR;

/** A validated rule with defaults filled in, under the given id. */
export function createRule(input: RuleDefinitionInput, id = 'r1'): StoredRule {
  return { ...assertRule(input), id };
}

export function createEvaluator(
  rules: StoredRule[],
  cameras: CameraRef[] = [],
  sweepIntervalSeconds = 15,
  startMs = 0,
): RuleEvaluator {
  return new RuleEvaluator({ rules, cameras, startMs, sweepIntervalSeconds });
}

/** A reading as [seconds, max °C] or [seconds, max °C, quality]. */
export type R = [seconds: number, maxC: number, quality?: ReadingQuality];

/** Feed one camera's readings (times in seconds) and return the transitions. */
export function feed(
  ev: RuleEvaluator,
  cameraId: string,
  readings: R[],
  out: AlertTransition[] = [],
): AlertTransition[] {
  for (const [s, maxC, quality] of readings)
    ev.ingestReading(
      { cameraId, tsMs: s * S, maxTempC: maxC, meanTempC: null, quality: quality ?? 'ok' },
      out,
    );
  return out;
}

/** Readings every `stepS` seconds from `fromS` (inclusive) to `toS` (exclusive), value from a function of time in s. */
export function series(
  fromS: number,
  toS: number,
  stepS: number,
  value: (s: number) => number,
  quality: ReadingQuality = 'ok',
): R[] {
  const out: R[] = [];
  for (let s = fromS; s < toS; s += stepS) out.push([s, value(s), quality]);
  return out;
}

/** Transitions as compact strings: "key from>to@seconds". */
export function summary(ts: readonly AlertTransition[], withKey = false): string[] {
  return ts.map((t) => `${withKey ? `${t.scopeKey} ` : ''}${t.from}>${t.to}@${t.at / S}`);
}

/** A deterministic PRNG (mulberry32), for reproducible synthetic data. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
