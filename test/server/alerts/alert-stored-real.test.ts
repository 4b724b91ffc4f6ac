/**
 * Live evaluation must see the temperature a backtest later reads back from `thermal_readings.max_temp_c`
 * (a `real`): the expected values are PostgreSQL's own, read through the driver.
 */
import { describe, expect, it } from 'vitest';
import { asStoredReal } from '../../../server/alerts/alert-stored-real.js';
import { alertTestDatabase } from './alert-harness.js';

async function viaPostgres(values: number[]): Promise<number[]> {
  const db = await alertTestDatabase();
  const rows = await db.query<{ r: number }>(
    'SELECT v::real AS r FROM unnest($1::float8[]) WITH ORDINALITY AS t(v, i) ORDER BY i',
    [values],
  );
  return rows.map((row) => row.r);
}

describe('asStoredReal', () => {
  it('gives what PostgreSQL hands back for a real, for hand-picked values', async () => {
    // 41.300001 is within half a single-precision step (3.8e-6 at 41) of 41.3: stored as 41.3.
    const values = [
      41.300001, 41.3, 0.1, 1e-7, 1234.5678, -79.99999, 1499.99, 36.6, 16777217, 0, -0.5, 60.000004,
    ];
    const got = values.map(asStoredReal);
    expect(got[0]).toBe(41.3);
    expect(got[8]).toBe(16777216); // 2^24 + 1 is not a single; it rounds to even
    expect(got).toEqual(await viaPostgres(values));
  });

  it('agrees with PostgreSQL on 2,000 random temperatures across the cameras’ range', async () => {
    let seed = 12345;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const values = Array.from({ length: 2000 }, () => -80 + random() * 1580);
    expect(values.map(asStoredReal)).toEqual(await viaPostgres(values));
  });

  it('passes non-finite values through', () => {
    expect(asStoredReal(NaN)).toBeNaN();
    expect(asStoredReal(Infinity)).toBe(Infinity);
  });
});
