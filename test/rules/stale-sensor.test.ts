import { describe, expect, it } from 'vitest';
import type { CameraRef } from '../../server/rules/scope.js';
import { createEvaluator, createRule, feed, summary, S } from './rule-fixtures.js';

function staleRule(params: Record<string, unknown> = {}, id = 'stale') {
  return createRule(
    {
      name: `stale ${id}`,
      kind: 'stale_sensor',
      severity: 'yellow',
      scope: { type: 'all' },
      params: { maxSilenceSeconds: 900, cameraKinds: ['thermal'], ...params },
    } as never,
    id,
  );
}

const cameras: CameraRef[] = [
  { id: 't1', kind: 'thermal', status: 'online', volcanoGvp: 352090 },
  { id: 't2', kind: 'thermal', status: 'maintenance' },
  { id: 'd1', kind: 'dome', status: 'online' },
  { id: 't3', kind: 'thermal', status: 'online', lastSeenMs: -300 * S },
  { id: 't4', kind: 'thermal', status: 'online' },
];

describe('stale sensor', () => {
  it('fires at the first sweep after the silence passes maxSilenceSeconds and resolves on the next reading', () => {
    const ev = createEvaluator([staleRule()], cameras, 60);
    const out = feed(ev, 't1', [
      [0, 5],
      [100, 5, 'obscured'], // an obscured frame is a sign of life
    ]);
    ev.tick(1400 * S, out);
    feed(ev, 't1', [[1500, 5]], out);
    ev.tick(2000 * S, out);
    // t3 was last seen 300 s before the start: silent > 900 s from 600 s, first sweep after is 660.
    // t1 silent > 900 s after 100 s → from 1000 s: the sweep at 1020. t2 is in maintenance, d1 not thermal,
    // t4 has never been heard of (nodata, kept).
    expect(summary(out, true)).toEqual([
      'camera:t3 inactive>pending@660',
      'camera:t3 pending>firing@660',
      'camera:t1 inactive>pending@1020',
      'camera:t1 pending>firing@1020',
      'camera:t1 firing>resolved@1500',
    ]);
    expect(out[3]!.evidence).toMatchObject({
      cameraId: 't1',
      volcanoGvp: 352090,
      lastSeenAt: new Date(100 * S).toISOString(),
      silenceSeconds: 920,
      maxSilenceSeconds: 900,
    });
    expect(out[3]!.value).toBe(920);
  });

  it('a status ping counts as a sign of life', () => {
    const ev = createEvaluator([staleRule()], [cameras[0]!], 60);
    const out = feed(ev, 't1', [[0, 5]]);
    ev.ingestHeartbeat('t1', 800 * S, out);
    ev.tick(1600 * S, out);
    expect(summary(out)).toEqual([]);
    ev.tick(1800 * S, out);
    expect(summary(out)).toEqual(['inactive>pending@1740', 'pending>firing@1740']);
  });

  it('alerts on a camera never heard of when noData is alert', () => {
    const ev = createEvaluator([staleRule({ noData: 'alert' })], cameras, 60);
    const out = ev.tick(60 * S);
    expect(summary(out, true)).toEqual([
      'camera:t1 inactive>pending@60',
      'camera:t1 pending>firing@60',
      'camera:t4 inactive>pending@60',
      'camera:t4 pending>firing@60',
    ]);
  });

  it('resolves when a silent camera is put into maintenance', () => {
    const ev = createEvaluator([staleRule()], [cameras[0]!], 60);
    const out = feed(ev, 't1', [[0, 5]]);
    ev.tick(960 * S, out);
    ev.upsertCamera({ ...cameras[0]!, status: 'maintenance' });
    ev.tick(1020 * S, out);
    expect(summary(out)).toEqual(['inactive>pending@960', 'pending>firing@960', 'firing>resolved@1020']);
  });
});
