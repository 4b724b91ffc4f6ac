/**
 * `thermal_readings` keeps temperatures as `real` (IEEE single precision), and PostgreSQL 12+ prints a
 * real as the shortest decimal that reads back as the same single (Ryu; extra_float_digits = 1). Live
 * evaluation uses this function on the values it is handed, so it sees exactly what a backtest or a
 * restart later reads from the database: 41.300001 is stored as 41.3, and both evaluate 41.3.
 */

/** The number PostgreSQL hands back for `v` stored in a `real` column. Non-finite values pass through. */
export function asStoredReal(v: number): number {
  if (!Number.isFinite(v)) return v;
  const single = Math.fround(v);
  // The shortest correctly rounded decimal that maps back to the same single; at most 9 digits.
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return Number(single.toPrecision(9));
}
