/**
 * The thermal time-series chart of a volcano, drawn with d3 into an <svg>: for each camera a
 * min–max band and a mean line of the maximum temperature per bucket, gaps where there are no
 * valid readings, a hatched strip under the plot where every frame of a bucket was obscured, and
 * the thresholds of the volcano's rules and the periods its alerts fired (thermal-annotations.ts).
 * The x axis zooms and pans (wheel, drag, or zoomBy from buttons); at the end of a gesture the
 * chart reports the visible range so the panel can fetch finer buckets for it.
 */
import {
  area,
  axisBottom,
  axisLeft,
  bisector,
  line,
  scaleLinear,
  scaleTime,
  select,
  zoom,
  zoomIdentity,
  type D3ZoomEvent,
  type Selection,
  type ZoomBehavior,
  type ZoomTransform,
} from 'd3';
import { LOCALES, t } from '../i18n.js';
import type { Language } from '../state/app-state.js';
import { SEVERITY_COLORS } from './severity.js';
import { thresholdsInView, type ThermalAnnotations } from './thermal-annotations.js';
import {
  obscuredSpans,
  seriesSegments,
  temperatureExtent,
  type ChartPoint,
  type ReadingSeries,
} from './thermal-series.js';

export interface ChartSeries {
  id: string;
  label: string;
  /** CSS colour of the band, line and obscured strip. */
  color: string;
  series: ReadingSeries;
}

export interface ThermalChartInput {
  /** The unzoomed x range, [from, to] in ms (the panel's 6 h / 24 h / 3 d window). */
  baseDomain: [number, number];
  series: ChartSeries[];
  annotations: ThermalAnnotations;
  language: Language;
}

export interface ThermalChartOptions {
  /** After a zoom or pan gesture: the visible x range, or null when back to the whole base range. */
  onZoomEnd(visible: [number, number] | null): void;
}

/** Deepest zoom: a 3-day window down to ~45 minutes. */
const MAX_ZOOM = 96;
const MARGIN = { top: 10, right: 14, bottom: 24, left: 46 };
/** Height of one camera's row in the obscured strip, and the gap between rows, px. */
const STRIP_ROW = 5;
const STRIP_GAP = 2;

let chartCount = 0;

export class ThermalChart {
  private readonly root: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly plot: Selection<SVGGElement, unknown, null, undefined>;
  private readonly overlay: Selection<SVGRectElement, unknown, null, undefined>;
  private readonly zoomBehavior: ZoomBehavior<SVGRectElement, unknown>;
  private readonly hatchId: string;
  private readonly clipId: string;
  private input: ThermalChartInput | null = null;
  private width = 600;
  private height = 220;
  private transform: ZoomTransform = zoomIdentity;
  private zoomEndTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    svg: SVGSVGElement,
    private readonly readout: HTMLElement,
    private readonly options: ThermalChartOptions,
  ) {
    chartCount += 1;
    this.hatchId = `thermal-hatch-${chartCount}`;
    this.clipId = `thermal-clip-${chartCount}`;
    this.root = select(svg);
    this.root.selectAll('*').remove();
    const defs = this.root.append('defs');
    const hatch = defs
      .append('pattern')
      .attr('id', this.hatchId)
      .attr('patternUnits', 'userSpaceOnUse')
      .attr('width', 5)
      .attr('height', 5)
      .attr('patternTransform', 'rotate(45)');
    hatch.append('rect').attr('width', 5).attr('height', 5).attr('fill', 'rgba(255,255,255,0.04)');
    hatch
      .append('line')
      .attr('x1', 0)
      .attr('y1', 0)
      .attr('x2', 0)
      .attr('y2', 5)
      .attr('stroke', '#C9D3DD')
      .attr('stroke-width', 2);
    defs.append('clipPath').attr('id', this.clipId).append('rect');
    this.plot = this.root.append('g').attr('class', 'thermal-plot');
    for (const name of [
      'alerts',
      'grid',
      'bands',
      'lines',
      'thresholds',
      'strip',
      'x-axis',
      'y-axis',
      'hover',
    ]) {
      this.plot.append('g').attr('class', `thermal-${name}`);
    }
    this.overlay = this.plot
      .append('rect')
      .attr('class', 'thermal-overlay')
      .attr('fill', 'transparent')
      .style('cursor', 'crosshair');
    this.zoomBehavior = zoom<SVGRectElement, unknown>()
      .scaleExtent([1, MAX_ZOOM])
      .on('zoom', (event: D3ZoomEvent<SVGRectElement, unknown>) => {
        this.transform = event.transform;
        this.render();
      })
      .on('end', () => {
        clearTimeout(this.zoomEndTimer);
        this.zoomEndTimer = setTimeout(() => {
          const k = this.transform.k;
          this.options.onZoomEnd(
            k <= 1.0001 ? null : (this.xScale().domain().map(Number) as [number, number]),
          );
        }, 250);
      });
    this.overlay.call(this.zoomBehavior);
    this.overlay
      .on('pointermove', (event: PointerEvent) => this.hover(event))
      .on('pointerleave', () => this.hover(null));
  }

  setData(input: ThermalChartInput): void {
    this.input = input;
    this.render();
  }

  resize(width: number, height: number): void {
    this.width = Math.max(200, width);
    this.height = Math.max(120, height);
    this.render();
  }

  /** Zooms the x axis about its middle by `factor` (>1 in, <1 out), animated. */
  zoomBy(factor: number): void {
    this.overlay.transition().duration(250).call(this.zoomBehavior.scaleBy, factor);
  }

  /** Back to the whole base range. */
  resetZoom(): void {
    this.overlay.transition().duration(250).call(this.zoomBehavior.transform, zoomIdentity);
  }

  /** Whether the x axis is zoomed in. */
  get zoomed(): boolean {
    return this.transform.k > 1.0001;
  }

  destroy(): void {
    clearTimeout(this.zoomEndTimer);
    this.overlay.on('.zoom', null);
    this.root.selectAll('*').remove();
  }

  private plotSize() {
    const rows = this.input?.series.length ?? 0;
    const strip = rows > 0 ? rows * (STRIP_ROW + STRIP_GAP) + 4 : 0;
    const w = this.width - MARGIN.left - MARGIN.right;
    const h = this.height - MARGIN.top - MARGIN.bottom - strip;
    return { w, h, strip };
  }

  private xScale() {
    const { w } = this.plotSize();
    const x0 = scaleTime()
      .domain(this.input?.baseDomain ?? [0, 1])
      .range([0, w]);
    return this.transform.rescaleX(x0);
  }

  private render(): void {
    const input = this.input;
    if (!input) return;
    const { w, h, strip } = this.plotSize();
    this.root
      .attr('width', this.width)
      .attr('height', this.height)
      .attr('viewBox', `0 0 ${this.width} ${this.height}`);
    this.root
      .select(`#${this.clipId} rect`)
      .attr('width', w)
      .attr('height', h + strip);
    this.plot.attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
    this.overlay.attr('width', w).attr('height', h + strip);
    this.zoomBehavior
      .extent([
        [0, 0],
        [w, h],
      ])
      .translateExtent([
        [0, 0],
        [w, h],
      ]);

    const x = this.xScale();
    const y = this.yScale();
    const language = input.language;
    const clip = `url(#${this.clipId})`;

    // Axes and grid.
    const timeTick = tickFormatter(language);
    this.plot
      .select<SVGGElement>('.thermal-x-axis')
      .attr('transform', `translate(0,${h + strip})`)
      .call(
        axisBottom<Date>(x)
          .ticks(Math.max(2, Math.floor(w / 90)))
          .tickFormat(timeTick)
          .tickSizeOuter(0),
      );
    this.plot.select<SVGGElement>('.thermal-y-axis').call(
      axisLeft(y)
        .ticks(Math.max(2, Math.floor(h / 36)))
        .tickFormat((v) => `${new Intl.NumberFormat(LOCALES[language]).format(Number(v))} °C`)
        .tickSizeOuter(0),
    );
    this.plot
      .select<SVGGElement>('.thermal-grid')
      .selectAll('line')
      .data(y.ticks(Math.max(2, Math.floor(h / 36))))
      .join('line')
      .attr('x1', 0)
      .attr('x2', w)
      .attr('y1', (d) => y(d))
      .attr('y2', (d) => y(d));

    // Periods the cameras' thermal alerts were firing, shaded by severity.
    this.plot
      .select('.thermal-alerts')
      .attr('clip-path', clip)
      .selectAll('rect')
      .data(input.annotations.alertPeriods)
      .join('rect')
      .attr('x', (d) => x(d.from))
      .attr('width', (d) => Math.max(1, x(d.to ?? input.baseDomain[1]) - x(d.from)))
      .attr('y', 0)
      .attr('height', h)
      .attr('fill', (d) => SEVERITY_COLORS[d.severity])
      .attr('fill-opacity', 0.14);

    // Bands and mean lines, one path each per camera (segments as subpaths, so gaps stay gaps).
    const bandOf = area<ChartPoint>()
      .x((p) => x(p.t))
      .y0((p) => y(p.min))
      .y1((p) => y(p.max));
    const lineOf = line<ChartPoint>()
      .x((p) => x(p.t))
      .y((p) => y(p.mean));
    const paths = input.series.map((s) => {
      const segments = seriesSegments(s.series);
      return {
        s,
        // A lone bucket draws as a short tick rather than vanishing.
        band: segments.map((seg) => bandOf(widenSingle(seg, s.series.bucketSeconds)) ?? '').join(''),
        mean: segments.map((seg) => lineOf(widenSingle(seg, s.series.bucketSeconds)) ?? '').join(''),
        points: segments.reduce((n, seg) => n + seg.length, 0),
      };
    });
    this.plot
      .select('.thermal-bands')
      .attr('clip-path', clip)
      .selectAll('path')
      .data(paths, (d) => (d as (typeof paths)[number]).s.id)
      .join('path')
      .attr('class', 'thermal-band')
      .attr('d', (d) => d.band)
      .attr('fill', (d) => d.s.color)
      .attr('fill-opacity', 0.22)
      .attr('stroke', 'none');
    this.plot
      .select('.thermal-lines')
      .attr('clip-path', clip)
      .selectAll('path')
      .data(paths, (d) => (d as (typeof paths)[number]).s.id)
      .join('path')
      .attr('class', 'thermal-mean')
      .attr('data-camera', (d) => d.s.id)
      .attr('data-points', (d) => d.points)
      .attr('d', (d) => d.mean)
      .attr('fill', 'none')
      .attr('stroke', (d) => d.s.color)
      .attr('stroke-width', 1.6)
      .attr('stroke-linejoin', 'round');

    // Rule thresholds: lines where they fit the readings' scale, named at the top edge where not.
    const { inView, offScale } = this.thresholds();
    const thresholds = this.plot
      .select('.thermal-thresholds')
      .selectAll<SVGGElement, ThermalAnnotations['thresholds'][number]>('g.thermal-threshold')
      .data(inView)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'thermal-threshold');
        g.append('line');
        g.append('text');
        return g;
      })
      .attr('transform', (d) => `translate(0,${y(d.valueC)})`);
    thresholds
      .select('line')
      .attr('x2', w)
      .attr('stroke', (d) => SEVERITY_COLORS[d.severity])
      .attr('stroke-dasharray', '6 4')
      .attr('stroke-width', 1.2);
    const format = new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 1 });
    thresholds
      .select('text')
      .attr('x', w - 4)
      .attr('y', -4)
      .attr('text-anchor', 'end')
      .attr('fill', (d) => SEVERITY_COLORS[d.severity])
      .text((d) => `${d.label} · ${format.format(d.valueC)} °C`);
    this.plot
      .select('.thermal-thresholds')
      .selectAll<SVGTextElement, ThermalAnnotations['thresholds'][number]>('text.thermal-offscale')
      .data(offScale)
      .join('text')
      .attr('class', 'thermal-offscale')
      .attr('x', w - 4)
      .attr('y', (_d, i) => 11 + i * 13)
      .attr('text-anchor', 'end')
      .attr('fill', (d) => SEVERITY_COLORS[d.severity])
      .text((d) =>
        t(language, d.valueC > y.domain()[1]! ? 'thermal.thresholdAbove' : 'thermal.thresholdBelow', {
          name: d.label,
          value: format.format(d.valueC),
        }),
      );

    // Obscured strip: one row per camera, hatched where all frames of a bucket were masked.
    const rows = this.plot
      .select('.thermal-strip')
      .attr('clip-path', clip)
      .selectAll<SVGGElement, ChartSeries>('g')
      .data(input.series, (d) => d.id)
      .join('g')
      .attr('transform', (_d, i) => `translate(0,${h + 4 + i * (STRIP_ROW + STRIP_GAP)})`);
    rows
      .selectAll('rect.thermal-obscured')
      .data((d) => obscuredSpans(d.series).map((span) => ({ span, color: d.color })))
      .join('rect')
      .attr('class', 'thermal-obscured')
      .attr('x', (d) => x(d.span.from))
      .attr('width', (d) => Math.max(1.5, x(d.span.to) - x(d.span.from)))
      .attr('height', STRIP_ROW)
      .attr('fill', `url(#${this.hatchId})`)
      .attr('stroke', (d) => d.color)
      .attr('stroke-width', 0.8);
  }

  private hover(event: PointerEvent | null): void {
    const input = this.input;
    const layer = this.plot.select('.thermal-hover');
    if (!input || !event) {
      layer.selectAll('*').remove();
      this.readout.textContent = '';
      return;
    }
    const { h } = this.plotSize();
    const x = this.xScale();
    const y = this.yScale();
    const [mx] = pointerX(event, this.overlay.node()!);
    const at = x.invert(mx).getTime();
    const near = bisector<ChartPoint, number>((p) => p.t).center;
    const values = input.series.flatMap((s) => {
      const points = seriesSegments(s.series).flat();
      if (points.length === 0) return [];
      const p = points[near(points, at)]!;
      // Only values within one bucket of the pointer: no reading from the other side of a gap.
      if (Math.abs(p.t - at) > s.series.bucketSeconds * 1000) return [];
      return [{ s, p }];
    });
    layer
      .selectAll('line')
      .data([mx])
      .join('line')
      .attr('x1', (d) => d)
      .attr('x2', (d) => d)
      .attr('y1', 0)
      .attr('y2', h)
      .attr('stroke', '#C9D3DD')
      .attr('stroke-opacity', 0.5);
    layer
      .selectAll('circle')
      .data(values)
      .join('circle')
      .attr('cx', (d) => x(d.p.t))
      .attr('r', 3)
      .attr('fill', (d) => d.s.color)
      .attr('stroke', '#0B1620')
      .attr('cy', (d) => y(d.p.mean));
    const format = new Intl.NumberFormat(LOCALES[input.language], { maximumFractionDigits: 1 });
    const time = new Intl.DateTimeFormat(LOCALES[input.language], {
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
    }).format(at);
    this.readout.textContent =
      values.length === 0
        ? `${time} · ${t(input.language, 'thermal.noReading')}`
        : `${time} · ${values
            .map(
              ({ s, p }) =>
                `${s.label}: ${format.format(p.mean)} °C (${format.format(p.min)}–${format.format(p.max)})`,
            )
            .join(' · ')}`;
  }

  /** The rule thresholds the y axis takes in, and those too far from the readings to. */
  private thresholds() {
    const input = this.input;
    return thresholdsInView(
      temperatureExtent((input?.series ?? []).map((s) => s.series)),
      input?.annotations.thresholds ?? [],
    );
  }

  /** Temperatures to pixels: the readings' range, stretched to the thresholds near it. */
  private yScale() {
    const { h } = this.plotSize();
    return scaleLinear().domain(this.thresholds().extent).range([h, 0]).nice();
  }
}

/** A single-bucket segment widened to the bucket's width, so it draws as a short dash. */
function widenSingle(segment: ChartPoint[], bucketSeconds: number): ChartPoint[] {
  if (segment.length !== 1) return segment;
  const p = segment[0]!;
  const half = (bucketSeconds * 1000) / 2;
  return [
    { ...p, t: p.t - half },
    { ...p, t: p.t + half },
  ];
}

function pointerX(event: PointerEvent, target: SVGRectElement): [number, number] {
  const rect = target.getBoundingClientRect();
  return [event.clientX - rect.left, event.clientY - rect.top];
}

/** Ticks at midnight show the date ('23 nov'), others the time ('14:00'), in the page's language. */
function tickFormatter(language: Language): (d: Date) => string {
  const day = new Intl.DateTimeFormat(LOCALES[language], { day: 'numeric', month: 'short' });
  const hour = new Intl.DateTimeFormat(LOCALES[language], {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (d) => (d.getHours() === 0 && d.getMinutes() === 0 ? day.format(d) : hour.format(d));
}
