/**
 * Thermal threshold: a camera's max (or mean) temperature above thresholdC for at least `forSeconds`.
 * Each usable reading is compared on its own; the `for` duration and the clear threshold (hysteresis) are
 * the lifecycle's (rule-engine.ts), and obscured frames never reach this file (thermal-rule-runtime.ts).
 */
import { classifyAbove } from './hysteresis.js';
import type { RuleOfKind } from './rule-schema.js';
import type { ThermalKernel } from './thermal-kernel.js';

export type ThermalThresholdParams = RuleOfKind<'thermal_threshold'>['params'];

/**
 * Classify one temperature, °C: match above thresholdC, clear at or below clearThresholdC (thresholdC
 * when absent), hold between.
 * @example classifyThermalThreshold({ thresholdC: 80, clearThresholdC: 70, ... }, 75) === 'hold'
 */
export function classifyThermalThreshold(
  params: ThermalThresholdParams,
  valueC: number,
): 'match' | 'clear' | 'hold' {
  return classifyAbove(valueC, params.thresholdC, params.clearThresholdC ?? params.thresholdC);
}

/** The threshold kernel needs no window, so its incremental and rescan forms are the same. */
export function createThermalThresholdKernel(params: ThermalThresholdParams): ThermalKernel {
  const clear = params.clearThresholdC ?? params.thresholdC;
  let value = NaN;
  return {
    get value() {
      return value;
    },
    observe(_ts, v) {
      value = v;
      return classifyAbove(v, params.thresholdC, clear);
    },
    details() {
      return { thresholdC: params.thresholdC, clearThresholdC: clear };
    },
    snapshot() {
      return { value: Number.isNaN(value) ? null : value };
    },
    restore(s) {
      const v = (s as { value: number | null }).value;
      value = v ?? NaN;
    },
  };
}
