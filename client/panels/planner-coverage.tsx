/**
 * The planner's first tab: how much the network sees, nationally and per province or region (a
 * sortable table; in a what-if the zones it changes show their new share and the change), the
 * largest gaps, and the exports of the coverage and the gaps.
 */
import { useState } from 'preact/hooks';
import { exportUrls, type CoverageReport, type GapCollection } from '../data/coverage-client.js';
import type { LiveData } from '../data/live-data.js';
import { formatNumber, t, type MessageKey } from '../i18n.js';
import type { Language, Selection } from '../state/app-state.js';
import { PlannerDelta } from './planner-delta.js';
import { formatPct, formatPoints } from './planner-format.js';
import {
  nextSort,
  zoneRows,
  type WhatIfRun,
  type ZoneColumn,
  type ZoneRow,
  type ZoneSort,
} from './planner-state.js';

export interface PlannerCoverageProps {
  language: Language;
  report: LiveData<CoverageReport>;
  gaps: LiveData<GapCollection>;
  whatIf: WhatIfRun;
  selection: Selection | null;
  onSelect: (selection: Selection) => void;
  onFlyTo: (center: [number, number], zoom: number) => void;
  onRetry: () => void;
}

const COLUMN_LABELS: Record<ZoneColumn, MessageKey> = {
  name: 'planner.col.name',
  area: 'planner.col.area',
  incidents: 'planner.col.incidents',
  population: 'planner.col.population',
};

export function PlannerCoverage({
  language,
  report,
  gaps,
  whatIf,
  selection,
  onSelect,
  onFlyTo,
  onRetry,
}: PlannerCoverageProps) {
  const [level, setLevel] = useState<'provinces' | 'regions'>('provinces');
  const [sort, setSort] = useState<ZoneSort>({ column: 'incidents', descending: true });
  const data = report.data;
  if (!data) {
    return report.status === 'error' ? (
      <div class="planner-state planner-state--error" role="alert">
        {t(language, 'planner.report.error', { message: report.error ?? '' })}{' '}
        <button type="button" class="link-button" onClick={onRetry}>
          {t(language, 'status.retry')}
        </button>
      </div>
    ) : (
      <p class="planner-state" role="status">
        <span class="spinner spinner--inline" aria-hidden="true" /> {t(language, 'planner.report.loading')}
      </p>
    );
  }
  const hasPopulation = data.demand.some((d) => d.name === 'population');
  const columns: ZoneColumn[] = [
    'name',
    'area',
    'incidents',
    ...(hasPopulation ? (['population'] as const) : []),
  ];
  const scenario = whatIf.result;
  const rows = zoneRows(data[level], sort, scenario ? scenario[level] : []);
  const summary = scenario?.after ?? data.summary;
  const before = scenario ? scenario.before : null;
  const area =
    selection?.kind === 'province'
      ? { id: `province:${selection.id}`, name: data.provinces.find((p) => p.id === selection.id)?.name }
      : selection?.kind === 'region'
        ? { id: `region:${selection.id}`, name: data.regions.find((r) => r.id === selection.id)?.name }
        : null;
  const urls = exportUrls(area?.id ?? null);
  const gapList = gaps.data?.features.slice(0, 5) ?? [];

  return (
    <div class="planner-tab" data-testid="planner-coverage">
      <dl class="planner-summary" data-testid="coverage-summary">
        <SummaryFigure
          language={language}
          label={t(language, 'planner.summary.area')}
          value={summary.coveredAreaPct}
          before={before?.coveredAreaPct}
          digits={2}
          testid="summary-area"
        />
        <SummaryFigure
          language={language}
          label={t(language, 'planner.summary.incidents')}
          value={summary.demand['incidents']?.coveredPct ?? null}
          before={before?.demand['incidents']?.coveredPct}
          testid="summary-incidents"
        />
        {hasPopulation ? (
          <SummaryFigure
            language={language}
            label={t(language, 'planner.summary.population')}
            value={summary.demand['population']?.coveredPct ?? null}
            before={before?.demand['population']?.coveredPct}
            testid="summary-population"
          />
        ) : null}
      </dl>
      <p class="planner-note">
        {t(language, 'planner.summary.cameras', { counted: data.cameras.counted, total: data.cameras.total })}
        {scenario ? ` ${t(language, 'planner.summary.scenario')}` : ''}
      </p>

      <div class="planner-row">
        <div class="segmented" role="group" aria-label={t(language, 'planner.level')}>
          {(['provinces', 'regions'] as const).map((l) => (
            <button
              key={l}
              type="button"
              class="segmented-button"
              aria-pressed={level === l}
              data-testid={`coverage-level-${l}`}
              onClick={() => setLevel(l)}
            >
              {t(language, `planner.level.${l}`)}
            </button>
          ))}
        </div>
      </div>
      <div class="planner-table-wrap">
        <table class="planner-table" data-testid="coverage-table">
          <caption class="visually-hidden">{t(language, `planner.table.caption.${level}`)}</caption>
          <thead>
            <tr>
              {columns.map((c) => {
                const active = sort.column === c;
                return (
                  <th
                    key={c}
                    scope="col"
                    class={c === 'name' ? '' : 'num'}
                    aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                  >
                    <button
                      type="button"
                      class="sort-button"
                      data-testid={`sort-${c}`}
                      onClick={() => setSort(nextSort(sort, c))}
                    >
                      {t(language, COLUMN_LABELS[c])}
                      <span class="sort-mark" aria-hidden="true">
                        {active ? (sort.descending ? '▼' : '▲') : ''}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <ZoneRowView
                key={row.id}
                language={language}
                row={row}
                columns={columns}
                active={
                  (selection?.kind === 'province' && level === 'provinces' && selection.id === row.id) ||
                  (selection?.kind === 'region' && level === 'regions' && selection.id === row.id)
                }
                onSelect={() => onSelect({ kind: level === 'provinces' ? 'province' : 'region', id: row.id })}
              />
            ))}
          </tbody>
        </table>
      </div>
      <p class="planner-note">{t(language, 'planner.table.note')}</p>

      <h3 class="planner-subtitle">{t(language, 'planner.gaps.title')}</h3>
      {gaps.status === 'error' ? (
        <p class="planner-state planner-state--error">{t(language, 'planner.gaps.error')}</p>
      ) : gapList.length === 0 ? (
        <p class="planner-state">
          {t(language, gaps.status === 'ready' ? 'planner.gaps.none' : 'planner.gaps.loading')}
        </p>
      ) : (
        <ol class="gap-list" data-testid="gap-list">
          {gapList.map((g) => (
            <li key={g.properties.rank}>
              <button
                type="button"
                class="gap-button"
                onClick={() => onFlyTo(g.properties.centroid, 14)}
                aria-label={t(language, 'planner.gaps.goTo', { rank: g.properties.rank })}
              >
                <span class="gap-rank" aria-hidden="true">
                  {g.properties.rank}
                </span>
                <span>
                  {t(language, 'planner.gaps.item', {
                    demand: formatNumber(language, g.properties.demand),
                    area: formatNumber(language, g.properties.areaKm2, 2),
                  })}
                </span>
              </button>
            </li>
          ))}
        </ol>
      )}

      <h3 class="planner-subtitle">{t(language, 'planner.export.title')}</h3>
      <p class="planner-note">
        {t(language, 'planner.export.area', { name: area?.name ?? t(language, 'planner.export.national') })}
      </p>
      <ul class="export-list" data-testid="coverage-exports">
        <li>
          <a class="button button--small" href={urls.countsTif} download data-testid="export-counts-tif">
            {t(language, 'planner.export.countsTif')}
          </a>
        </li>
        <li>
          <a class="button button--small" href={urls.doriTif} download data-testid="export-dori-tif">
            {t(language, 'planner.export.doriTif')}
          </a>
        </li>
        <li>
          <a class="button button--small" href={urls.gapsGeojson} download data-testid="export-gaps-geojson">
            {t(language, 'planner.export.gapsGeojson')}
          </a>
        </li>
        <li>
          <a class="button button--small" href={urls.gapsCsv} download data-testid="export-gaps-csv">
            {t(language, 'planner.export.gapsCsv')}
          </a>
        </li>
      </ul>
    </div>
  );
}

function SummaryFigure({
  language,
  label,
  value,
  before,
  digits = 1,
  testid,
}: {
  language: Language;
  label: string;
  value: number | null;
  before?: number | null | undefined;
  digits?: number;
  testid: string;
}) {
  const delta = before !== undefined && before !== null && value !== null ? value - before : null;
  return (
    <div class="planner-figure">
      <dt>{label}</dt>
      <dd data-testid={testid} data-value={value ?? ''}>
        <span class="planner-figure-value">{formatPct(language, value, digits)}</span>
        {delta !== null ? <PlannerDelta language={language} delta={delta} digits={digits} /> : null}
      </dd>
    </div>
  );
}

function ZoneRowView({
  language,
  row,
  columns,
  active,
  onSelect,
}: {
  language: Language;
  row: ZoneRow;
  columns: readonly ZoneColumn[];
  active: boolean;
  onSelect: () => void;
}) {
  return (
    <tr class={`${active ? 'is-active' : ''}${row.before ? ' is-changed' : ''}`} data-zone={row.id}>
      {columns.map((c) =>
        c === 'name' ? (
          <th key={c} scope="row">
            <button type="button" class="link-button zone-name" onClick={onSelect} aria-pressed={active}>
              {row.name}
            </button>
          </th>
        ) : (
          <td key={c} class="num">
            {formatPct(language, row[c])}
            {row.before && row.before[c] !== null && row[c] !== null && row.before[c] !== row[c] ? (
              <span class="planner-delta planner-delta--small">
                {formatPoints(language, row[c]! - row.before[c]!)}
              </span>
            ) : null}
          </td>
        ),
      )}
    </tr>
  );
}
