import { describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../server/rules/alert-slot.js';
import { createRuleRuntime, EVALUATION_FAULT_KEY, RuleEvaluator } from '../../server/rules/rule-evaluator.js';
import type { RuleRuntime } from '../../server/rules/rule-runtime.js';
import type { StoredRule } from '../../server/rules/rule-schema.js';
import { createRule, feed, S, summary } from './rule-fixtures.js';

const hot = (id: string) =>
  createRule(
    {
      name: `hot ${id}`,
      kind: 'thermal_threshold',
      severity: 'yellow',
      scope: { type: 'all' },
      params: { thresholdC: 50, forSeconds: 0 },
    } as never,
    id,
  );

/** Wraps a real runtime; throws from onReading and sweep while `broken.on` is set. */
function breakable(broken: { on: boolean }) {
  return (rule: StoredRule): RuleRuntime => {
    const real = createRuleRuntime(rule);
    if (rule.id !== 'bad') return real;
    return {
      rule,
      attachCamera: (f) => {
        const sub = real.attachCamera(f);
        return (
          sub && {
            onReading: (...args) => {
              if (broken.on) throw new TypeError('window index out of range (injected)');
              sub.onReading(...args);
            },
          }
        );
      },
      onIncident: (i, out) => real.onIncident(i, out),
      onCoverage: (c, out) => real.onCoverage(c, out),
      sweep: (now, out) => {
        if (broken.on) throw new TypeError('window index out of range (injected)');
        real.sweep(now, out);
      },
      alerts: () => real.alerts(),
      snapshot: () => real.snapshot(),
      restore: (s) => real.restore(s),
    };
  };
}

describe('a rule whose evaluation throws', () => {
  it('is reported as an error alert with the message, while the other rules go on alerting', () => {
    const broken = { on: true };
    const ev = new RuleEvaluator({
      rules: [hot('good'), hot('bad')],
      cameras: [{ id: 'c1' }],
      startMs: 0,
      sweepIntervalSeconds: 15,
      runtimeFactory: breakable(broken),
    });
    const out = feed(ev, 'c1', [
      [10, 20],
      [20, 80],
    ]);
    const bad = out.filter((t) => t.ruleId === 'bad');
    const good = out.filter((t) => t.ruleId === 'good');
    // the first reading at 10 s already throws in 'bad'; 'good' fires on the hot reading at 20 s
    expect(summary(bad, true)).toEqual([`${EVALUATION_FAULT_KEY} inactive>error@10`]);
    expect(bad[0]!.message).toBe('window index out of range (injected)');
    expect(bad[0]!.evidence).toMatchObject({ error: 'window index out of range (injected)' });
    expect(summary(good, true)).toEqual(['camera:c1 inactive>pending@20', 'camera:c1 pending>firing@20']);
    expect(ev.alerts().find((a) => a.ruleId === 'bad')).toMatchObject({
      scopeKey: EVALUATION_FAULT_KEY,
      state: 'error',
    });
  });

  it('clears the error alert at the first clean sweep once the fault is gone, and keeps it across a snapshot', () => {
    const broken = { on: true };
    const options = { cameras: [{ id: 'c1' }], runtimeFactory: breakable(broken) };
    const ev = new RuleEvaluator({ ...options, rules: [hot('bad')], startMs: 0, sweepIntervalSeconds: 15 });
    const out: AlertTransition[] = [];
    ev.tick(30 * S, out); // sweeps at 15 and 30 both throw: one alert, still in error
    expect(summary(out, true)).toEqual([`${EVALUATION_FAULT_KEY} inactive>error@15`]);

    const restored = RuleEvaluator.restore(JSON.parse(JSON.stringify(ev.snapshot())), {
      ...options,
      rules: [hot('bad')],
    });
    broken.on = false;
    const after = restored.tick(45 * S);
    expect(summary(after, true)).toEqual([`${EVALUATION_FAULT_KEY} error>inactive@45`]);
  });
});
