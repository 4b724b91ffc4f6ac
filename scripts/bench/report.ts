/**
 * One line per figure: the value, its budget, and a baseline measured in the same run with the
 * ratio between them, so a slow machine shows up in both numbers instead of failing a budget.
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The budget and whether more or less is better; none for a figure printed for comparison only. */
  budget?: { value: number; better: 'higher' | 'lower' };
  baseline?: { name: string; value: number };
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3));

/** Prints the figure and returns whether it met its budget. */
export function report(f: Figure): boolean {
  const b = f.budget;
  const ok = !b || (b.better === 'higher' ? f.value >= b.value : f.value <= b.value);
  const budget = b ? `budget ${b.better === 'higher' ? '≥' : '≤'} ${fmt(b.value)} ${f.unit}` : 'no budget';
  const baseline = f.baseline
    ? `; baseline ${f.baseline.name} ${fmt(f.baseline.value)} ${f.unit}, ratio ${(f.value / f.baseline.value).toFixed(2)}×`
    : '';
  console.log(
    `${!b ? 'INFO' : ok ? 'PASS' : 'MISS'}  ${f.name}: ${fmt(f.value)} ${f.unit} (${budget}${baseline})`,
  );
  return ok;
}
