/**
 * The small line of an alert's evidence readings, with the rule's threshold across it: enough to see
 * at a glance whether the value crossed it once or stayed above. Pure geometry for an SVG path.
 */

export interface SparkPoint {
  /** ms since the epoch */
  t: number;
  /** null: no valid value (obscured, corrupt) — the line breaks there. */
  v: number | null;
}

export interface Sparkline {
  /** SVG path data in a width × height box, y down. */
  path: string;
  /** Each valid reading, [x, y]: a lone value between gaps still shows. */
  dots: [number, number][];
  /** y of the threshold line; null without a threshold. */
  thresholdY: number | null;
  /** The value range drawn, bottom to top. */
  min: number;
  max: number;
}

/**
 * Scales the points into the box: time left to right over the readings' span, values bottom to top
 * over their range widened to include the threshold, with `pad` pixels kept free at top and bottom.
 * Null when fewer than one valid value.
 */
export function sparkline(
  points: readonly SparkPoint[],
  threshold: number | null,
  width: number,
  height: number,
  pad = 2,
): Sparkline | null {
  const values = points.flatMap((p) => (p.v === null ? [] : [p.v]));
  if (values.length === 0) return null;
  let min = Math.min(...values, threshold ?? Infinity);
  let max = Math.max(...values, threshold ?? -Infinity);
  if (max === min) {
    min -= 1;
    max += 1;
  }
  const t0 = points[0]!.t;
  const span = points[points.length - 1]!.t - t0;
  const x = (t: number) => (span === 0 ? width / 2 : ((t - t0) / span) * width);
  const y = (v: number) => pad + (1 - (v - min) / (max - min)) * (height - 2 * pad);
  let path = '';
  let pen = false;
  const dots: [number, number][] = [];
  for (const p of points) {
    if (p.v === null) {
      pen = false;
      continue;
    }
    const dot: [number, number] = [round(x(p.t)), round(y(p.v))];
    dots.push(dot);
    path += `${pen ? 'L' : 'M'}${dot[0]},${dot[1]}`;
    pen = true;
  }
  return { path, dots, thresholdY: threshold === null ? null : round(y(threshold)), min, max };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
