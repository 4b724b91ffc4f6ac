import { describe, expect, it } from 'vitest';
import { createToken, findToken, liveTokenIds, revokeToken } from '../../../server/db/token-store.js';
import { testDatabase } from '../../setup/test-database.js';

const lastUsed = async (id: number) => {
  const db = await testDatabase();
  const [row] = await db.query<{ at: Date | null }>(
    'SELECT last_used_at AS at FROM api_tokens WHERE id = $1',
    [id],
  );
  return row!.at;
};

describe('findToken', () => {
  it('finds a live token by its secret and touches its last use at most once a minute', async () => {
    const db = await testDatabase();
    const made = await createToken(db, `token-store-${process.pid}`, 'operator');
    expect(await lastUsed(made.id)).toBeNull();

    expect(await findToken(db, made.secret)).toEqual({ id: made.id, name: made.name, role: 'operator' });
    const first = await lastUsed(made.id);
    expect(first).not.toBeNull();

    // Within the minute: found, not touched again.
    await findToken(db, made.secret);
    expect(await lastUsed(made.id)).toEqual(first);

    // Two minutes later (moved back by hand): touched again.
    await db.query("UPDATE api_tokens SET last_used_at = now() - interval '2 minutes' WHERE id = $1", [
      made.id,
    ]);
    const before = await lastUsed(made.id);
    await findToken(db, made.secret);
    expect((await lastUsed(made.id))!.getTime()).toBeGreaterThan(before!.getTime() + 60_000);
  });

  it('finds nothing for an unknown secret or a revoked token', async () => {
    const db = await testDatabase();
    const made = await createToken(db, `token-store-revoked-${process.pid}`, 'viewer');
    expect(await findToken(db, 'atl_not-a-token')).toBeNull();
    expect(await liveTokenIds(db, [made.id])).toEqual(new Set([made.id]));
    await revokeToken(db, made.id);
    expect(await findToken(db, made.secret)).toBeNull();
    expect(await liveTokenIds(db, [made.id])).toEqual(new Set());
  });
});
