/** A change in percentage points beside a planner figure, coloured up (more seen) or down. */
import type { Language } from '../state/app-state.js';
import { formatPoints } from './planner-format.js';

export function PlannerDelta({
  language,
  delta,
  digits,
}: {
  language: Language;
  delta: number;
  digits?: number;
}) {
  const direction = delta > 0 ? ' planner-delta--up' : delta < 0 ? ' planner-delta--down' : '';
  return <span class={`planner-delta${direction}`}>{formatPoints(language, delta, digits)}</span>;
}
