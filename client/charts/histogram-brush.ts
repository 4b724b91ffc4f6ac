/**
 * The time slider's chart, drawn with d3 into an <svg>: incidents per bucket over the slider's
 * domain as a step area, the selected window highlighted, and a d3 brush to select the window.
 * A brushed range is reported when the gesture ends; the caller snaps it to buckets and sends the
 * snapped window back through update(), which moves the brush there.
 */
import {
  area,
  axisBottom,
  brushX,
  curveStepAfter,
  max as d3max,
  scaleLinear,
  scaleTime,
  select,
  timeDay,
  type BrushBehavior,
  type D3BrushEvent,
  type Selection,
} from 'd3';
import { LOCALES } from '../i18n.js';
import type { Language, TimeWindow } from '../state/app-state.js';

export interface HistogramInput {
  /** Bucket starts (ms) and counts, oldest first. */
  buckets: { t: number; n: number }[];
  bucketMs: number;
  domain: TimeWindow;
  /** The selected window, or null for the whole domain. */
  window: TimeWindow | null;
  language: Language;
}

export interface HistogramBrushOptions {
  /** At the end of a brush gesture: the brushed range, or null when the brush was cleared. */
  onBrush(range: TimeWindow | null): void;
}

const MARGIN = { top: 6, right: 10, bottom: 20, left: 10 };

let brushCount = 0;

export class HistogramBrush {
  private readonly root: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly plot: Selection<SVGGElement, unknown, null, undefined>;
  private readonly brushGroup: Selection<SVGGElement, unknown, null, undefined>;
  private readonly brush: BrushBehavior<unknown>;
  private readonly clipId: string;
  private input: HistogramInput | null = null;
  private width = 600;
  private height = 72;

  constructor(
    svg: SVGSVGElement,
    private readonly options: HistogramBrushOptions,
  ) {
    brushCount += 1;
    this.clipId = `histogram-window-${brushCount}`;
    this.root = select(svg);
    this.root.selectAll('*').remove();
    this.root.append('defs').append('clipPath').attr('id', this.clipId).append('rect');
    this.plot = this.root.append('g');
    this.plot.append('path').attr('class', 'histogram-area');
    this.plot.append('path').attr('class', 'histogram-area histogram-area--selected');
    this.plot.append('g').attr('class', 'histogram-axis');
    this.brushGroup = this.plot.append('g').attr('class', 'histogram-brush');
    this.brush = brushX<unknown>().on('end', (event: D3BrushEvent<unknown>) => {
      // Moves made by update() have no source event: only the user's gestures are reported.
      if (!event.sourceEvent || !this.input) return;
      const selection = event.selection as [number, number] | null;
      if (!selection) {
        this.options.onBrush(null);
        return;
      }
      const x = this.xScale();
      this.options.onBrush({ from: x.invert(selection[0]).getTime(), to: x.invert(selection[1]).getTime() });
    });
  }

  update(input: HistogramInput): void {
    this.input = input;
    this.render();
  }

  resize(width: number, height: number): void {
    this.width = Math.max(200, width);
    this.height = Math.max(40, height);
    this.render();
  }

  destroy(): void {
    this.brushGroup.on('.brush', null);
    this.root.selectAll('*').remove();
  }

  private size() {
    return {
      w: this.width - MARGIN.left - MARGIN.right,
      h: this.height - MARGIN.top - MARGIN.bottom,
    };
  }

  private xScale() {
    const domain = this.input?.domain ?? { from: 0, to: 1 };
    return scaleTime().domain([domain.from, domain.to]).range([0, this.size().w]);
  }

  private render(): void {
    const input = this.input;
    if (!input) return;
    const { w, h } = this.size();
    this.root
      .attr('width', this.width)
      .attr('height', this.height)
      .attr('viewBox', `0 0 ${this.width} ${this.height}`);
    this.plot.attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
    const x = this.xScale();
    const y = scaleLinear()
      .domain([0, Math.max(1, d3max(input.buckets, (b) => b.n) ?? 1)])
      .range([h, 0]);
    // The last bucket's step needs an end point to draw its top.
    const last = input.buckets[input.buckets.length - 1];
    const points = last ? [...input.buckets, { t: last.t + input.bucketMs, n: last.n }] : [];
    const shape = area<{ t: number; n: number }>()
      .curve(curveStepAfter)
      .x((b) => x(b.t))
      .y0(h)
      .y1((b) => y(b.n));
    const d = shape(points) ?? '';
    const window = input.window;
    this.root
      .select(`#${this.clipId} rect`)
      .attr('x', window ? x(window.from) : 0)
      .attr('width', window ? Math.max(0, x(window.to) - x(window.from)) : w)
      .attr('height', h);
    this.plot.select('.histogram-area:not(.histogram-area--selected)').attr('d', d);
    this.plot.select('.histogram-area--selected').attr('d', d).attr('clip-path', `url(#${this.clipId})`);

    const day = new Intl.DateTimeFormat(LOCALES[input.language], { day: 'numeric', month: 'short' });
    const hour = new Intl.DateTimeFormat(LOCALES[input.language], {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    this.plot
      .select<SVGGElement>('.histogram-axis')
      .attr('transform', `translate(0,${h})`)
      .call(
        axisBottom<Date>(x)
          .tickValues(dayTicks(input.domain, Math.max(2, Math.floor(w / 70))))
          .tickFormat((t) => (t.getHours() === 0 && t.getMinutes() === 0 ? day.format(t) : hour.format(t)))
          .tickSizeOuter(0),
      );

    this.brush.extent([
      [0, 0],
      [w, h],
    ]);
    this.brushGroup.call(this.brush);
    this.brushGroup.call(this.brush.move, window ? [x(window.from), x(window.to)] : null);
  }
}

/**
 * Midnights every n days across the domain, n chosen so there are at most `count` of them. (d3's
 * own day ticks restart each month, which put '31 oct' and '1 nov' side by side.) For a domain
 * under three days, the hours d3 picks instead.
 */
function dayTicks(domain: TimeWindow, count: number): Date[] {
  const days = timeDay.range(new Date(domain.from), new Date(domain.to));
  if (days.length < 3) {
    return scaleTime().domain([domain.from, domain.to]).ticks(count);
  }
  const step = Math.max(1, Math.ceil(days.length / count));
  return days.filter((_, i) => i % step === 0);
}
