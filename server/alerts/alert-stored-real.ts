/**
 * `thermal_readings` keeps temperatures as `real` (IEEE single precision), and PostgreSQL 12+ prints a
 * real as the shortest decimal that reads back as the same single, the closest such one, ties to even
 * (Ryu; extra_float_digits = 1). Live evaluation passes the values it is handed through this function, so
 * it sees exactly what a backtest or a restart later reads from the database: 41.300001 is stored as
 * 41.3, and both evaluate 41.3.
 */

/** The number PostgreSQL hands back for `v` stored in a `real` column. Non-finite values pass through. */
export function asStoredReal(v: number): number {
  if (!Number.isFinite(v)) return v;
  const single = Math.fround(v);
  if (single === 0) return 0;
  // Nine significant digits always identify a single.
  for (let digits = 1; digits < 9; digits++) {
    const candidate = roundSignificant(single, digits);
    if (Math.fround(candidate) === single) return candidate;
  }
  return roundSignificant(single, 9);
}

/**
 * `x` rounded to `digits` significant decimal digits, exact ties to even (Number#toPrecision rounds
 * them up). Works on x's exact decimal expansion, which toFixed(100) gives for every single of magnitude
 * 2^-77 (≈ 7e-24) or more — readings are −80…1500 °C.
 */
function roundSignificant(x: number, digits: number): number {
  const [whole, fraction = ''] = Math.abs(x).toFixed(100).split('.');
  const all = `${whole}${fraction}`;
  const first = all.search(/[1-9]/);
  if (first < 0) return 0;
  const kept = all.slice(first, first + digits).padEnd(digits, '0');
  const rest = all.slice(first + digits);
  const restFirst = rest.charCodeAt(0) - 48;
  const tie = restFirst === 5 && !/[1-9]/.test(rest.slice(1));
  const up =
    restFirst > 5 || (restFirst === 5 && !tie) || (tie && (kept.charCodeAt(digits - 1) - 48) % 2 === 1);
  let mantissa = BigInt(kept);
  if (up) mantissa += 1n;
  // The kept digits sit at decimal position `first` of `all`, whose point is after `whole`.
  const exponent = whole!.length - first - digits;
  const text = `${x < 0 ? '-' : ''}${mantissa}e${exponent}`;
  return Number(text);
}
