import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  HOUR_MS,
  playbackStart,
  playbackStep,
  presetWindow,
  shiftWindow,
  snapWindow,
} from '../../client/data/time-window.js';

const T0 = Date.parse('2026-11-01T00:00:00Z');
const at = (hours: number) => T0 + hours * HOUR_MS;
const day = { from: at(0), to: at(24) };

describe('snapWindow', () => {
  it('snaps a brushed range out to whole hours', () => {
    expect(snapWindow({ from: at(10 + 20 / 60), to: at(13 + 40 / 60) }, HOUR_MS, day)).toEqual({
      from: at(10),
      to: at(14),
    });
  });

  it('widens a range shorter than a bucket to one bucket, inside the domain', () => {
    expect(snapWindow({ from: at(10.2), to: at(10.3) }, HOUR_MS, day)).toEqual({ from: at(10), to: at(11) });
    expect(snapWindow({ from: at(23.9), to: at(24.5) }, HOUR_MS, day)).toEqual({ from: at(23), to: at(24) });
  });

  it('returns null (no window) for a range covering the whole domain', () => {
    expect(snapWindow({ from: at(-1), to: at(25) }, HOUR_MS, day)).toBeNull();
  });
});

describe('presetWindow', () => {
  const month = { from: T0, to: T0 + 30 * DAY_MS };

  it('ends where the current window ends, or at the end of the domain', () => {
    expect(presetWindow(6 * HOUR_MS, null, month)).toEqual({ from: month.to - 6 * HOUR_MS, to: month.to });
    expect(presetWindow(DAY_MS, { from: at(30), to: at(48) }, month)).toEqual({ from: at(24), to: at(48) });
  });

  it('stays inside the domain, and is no window when as wide as the domain', () => {
    expect(presetWindow(7 * DAY_MS, { from: at(0), to: at(24) }, month)).toEqual({
      from: month.from,
      to: month.from + 7 * DAY_MS,
    });
    expect(presetWindow(40 * DAY_MS, null, month)).toBeNull();
  });
});

describe('shiftWindow', () => {
  it('moves by its width and stops at the edges', () => {
    expect(shiftWindow({ from: at(6), to: at(12) }, 1, day)).toEqual({ from: at(12), to: at(18) });
    expect(shiftWindow({ from: at(15), to: at(21) }, 1, day)).toEqual({ from: at(18), to: at(24) });
    expect(shiftWindow({ from: at(3), to: at(9) }, -1, day)).toEqual({ from: at(0), to: at(6) });
  });
});

describe('playback', () => {
  const threeDays = { from: at(0), to: at(72) };

  it('starts a day-wide window at the start of the domain when there is no window', () => {
    expect(playbackStart(null, threeDays)).toEqual({ from: at(0), to: at(24) });
  });

  it('goes on from the current window, or starts over with its width when it is at the end', () => {
    expect(playbackStart({ from: at(30), to: at(36) }, threeDays)).toEqual({ from: at(30), to: at(36) });
    expect(playbackStart({ from: at(66), to: at(72) }, threeDays)).toEqual({ from: at(0), to: at(6) });
  });

  it('plays three days day by day in three frames', () => {
    const frames = [playbackStart(null, threeDays)];
    for (let next = playbackStep(frames[0]!, threeDays); next; next = playbackStep(next, threeDays)) {
      frames.push(next);
    }
    expect(frames).toEqual([
      { from: at(0), to: at(24) },
      { from: at(24), to: at(48) },
      { from: at(48), to: at(72) },
    ]);
  });
});
