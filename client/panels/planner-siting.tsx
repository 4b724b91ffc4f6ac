/**
 * The planner's siting tab: where the next cameras should go. A form (area, camera model and
 * price, budget in cameras or dollars, what a site is worth, candidate sites generated or drawn
 * on the map, optionally the exact optimum) sent to POST /api/siting, and the answer as a ranked
 * table (cost, marginal gain, cumulative coverage) with the sites numbered on the map, greedy's
 * gap to the optimum when it was solved, and the sites as CSV or GeoJSON.
 */
import { useEffect } from 'preact/hooks';
import type { CoverageReport } from '../data/coverage-client.js';
import type { ReferenceData } from '../data/reference-features.js';
import { formatNumber, t, type MessageKey } from '../i18n.js';
import type { Language, Selection } from '../state/app-state.js';
import { CameraModelSelect } from './camera-model-select.js';
import { formatPct, formatPoints, formatUsd } from './planner-format.js';
import {
  CAMERA_MODELS,
  rankedRows,
  sitingRequest,
  type PlannerRuntime,
  type PlannerTool,
  type SitingForm,
} from './planner-state.js';
import type { SitingRequest } from '../data/coverage-client.js';
import { sitesFeatureCollection, sitingCsv } from '../../server/coverage/siting-table.js';

export interface PlannerSitingProps {
  language: Language;
  planner: PlannerRuntime;
  form: SitingForm;
  onForm: (form: SitingForm) => void;
  report: CoverageReport | null;
  reference: Partial<ReferenceData>;
  selection: Selection | null;
  viewBounds: [number, number, number, number] | null;
  onTool: (tool: PlannerTool) => void;
  onClearCandidates: () => void;
  /** Adds a candidate site at the map's centre (the keyboard's way to draw one). */
  onCandidateAtCentre: () => void;
  onRun: (request: SitingRequest) => void;
  onCancel: () => void;
  onClear: () => void;
  onHighlight: (rank: number | null) => void;
  onFlyTo: (center: [number, number], zoom: number) => void;
}

export function PlannerSiting(props: PlannerSitingProps) {
  const { language, planner, form, onForm, report, reference, selection } = props;
  const set = (patch: Partial<SitingForm>) => onForm({ ...form, ...patch });

  // A province, region or monitored volcano selected on the map becomes the area to site in.
  useEffect(() => {
    if (!selection) return;
    const area =
      selection.kind === 'province'
        ? `province:${selection.id}`
        : selection.kind === 'region'
          ? `region:${selection.id}`
          : selection.kind === 'volcano'
            ? volcanoArea(reference, selection.id)
            : null;
    if (area && area !== form.area) onForm({ ...form, area });
    // Only a new selection moves the area (deps: the selection alone); the form's own edits stay.
  }, [selection?.kind, selection?.id]);

  const built = sitingRequest(form, props.viewBounds, planner.candidates, (i) =>
    t(language, 'planner.siting.pointLabel', { n: i + 1 }),
  );
  const problem: MessageKey | null = 'problem' in built ? built.problem : null;
  const running = planner.siting.status === 'running';
  const hasPopulation = report?.demand.some((d) => d.name === 'population') ?? false;
  const provinces = (report?.provinces ?? []).filter((p) => p.cells > 0);
  const regions = (report?.regions ?? []).filter((r) => r.cells > 0);
  const volcanoes = (reference.volcanoes?.features ?? []).filter((f) => f.properties.monitored);
  const drawing = planner.tool === 'draw-candidates';

  return (
    <div class="planner-tab" data-testid="planner-siting">
      <form
        class="planner-form"
        // The form checks itself (sitingRequest); the browser's step checks would block 3,500 at step 50 from 1.
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!problem && !running && !('problem' in built)) props.onRun(built);
        }}
      >
        <label class="field">
          <span class="field-label">{t(language, 'planner.siting.area')}</span>
          <select
            class="field-input"
            value={form.area}
            data-testid="siting-area"
            onChange={(e) => set({ area: e.currentTarget.value })}
          >
            <option value="view">{t(language, 'planner.siting.area.view')}</option>
            {provinces.length > 0 ? (
              <optgroup label={t(language, 'planner.level.provinces')}>
                {provinces.map((p) => (
                  <option key={p.id} value={`province:${p.id}`}>
                    {p.name}
                  </option>
                ))}
              </optgroup>
            ) : null}
            {regions.length > 0 ? (
              <optgroup label={t(language, 'planner.level.regions')}>
                {regions.map((r) => (
                  <option key={r.id} value={`region:${r.id}`}>
                    {r.name}
                  </option>
                ))}
              </optgroup>
            ) : null}
            {volcanoes.length > 0 ? (
              <optgroup label={t(language, 'planner.siting.area.volcanoes')}>
                {volcanoes.map((v) => (
                  <option key={v.properties.gvpNumber} value={`volcano:${v.properties.gvpNumber}`}>
                    {t(language, 'planner.siting.area.volcano', { name: v.properties.name })}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </label>

        <div class="field-pair">
          <CameraModelSelect
            language={language}
            label="planner.siting.model"
            value={form.modelId}
            testId="siting-model"
            onChange={(modelId) => set({ modelId, unitCostUsd: CAMERA_MODELS[modelId].unitCostUsd })}
          />
          <label class="field field--narrow">
            <span class="field-label">{t(language, 'planner.siting.unitCost')}</span>
            <input
              class="field-input"
              type="number"
              min="0"
              step="50"
              value={form.unitCostUsd}
              data-testid="siting-unit-cost"
              onInput={(e) => set({ unitCostUsd: Number(e.currentTarget.value) })}
            />
          </label>
        </div>
        <p class="planner-note">{modelSummary(language, form.modelId)}</p>

        <fieldset class="field">
          <legend class="field-label">{t(language, 'planner.siting.budget')}</legend>
          <div class="field-pair">
            <div class="segmented" role="radiogroup" aria-label={t(language, 'planner.siting.budget')}>
              {(['count', 'dollars'] as const).map((kind) => (
                <button
                  key={kind}
                  type="button"
                  role="radio"
                  class="segmented-button"
                  aria-checked={form.budgetKind === kind}
                  aria-pressed={form.budgetKind === kind}
                  data-testid={`siting-budget-${kind}`}
                  onClick={() =>
                    set(
                      kind === form.budgetKind
                        ? {}
                        : {
                            budgetKind: kind,
                            budget:
                              kind === 'dollars'
                                ? Math.round(form.budget * form.unitCostUsd)
                                : Math.max(1, Math.floor(form.budget / form.unitCostUsd)),
                          },
                    )
                  }
                >
                  {t(language, `planner.siting.budget.${kind}`)}
                </button>
              ))}
            </div>
            <input
              class="field-input field-input--number"
              type="number"
              min="0"
              step={form.budgetKind === 'count' ? 1 : 500}
              value={form.budget}
              aria-label={t(language, `planner.siting.budget.${form.budgetKind}.value`)}
              data-testid="siting-budget"
              onInput={(e) => set({ budget: Number(e.currentTarget.value) })}
            />
          </div>
          <p class="planner-note">
            {form.budgetKind === 'count'
              ? t(language, 'planner.siting.budget.costOf', {
                  cost: formatUsd(language, form.budget * form.unitCostUsd),
                })
              : t(language, 'planner.siting.budget.camerasFor', {
                  count: Math.floor(form.budget / Math.max(1, form.unitCostUsd)),
                  cost: formatUsd(language, form.unitCostUsd),
                })}
          </p>
        </fieldset>

        <label class="field">
          <span class="field-label">{t(language, 'planner.siting.demand')}</span>
          <select
            class="field-input"
            value={form.demand}
            data-testid="siting-demand"
            onChange={(e) => set({ demand: e.currentTarget.value as SitingForm['demand'] })}
          >
            <option value="incidents">{t(language, 'planner.siting.demand.incidents')}</option>
            <option value="area">{t(language, 'planner.siting.demand.area')}</option>
            {hasPopulation ? (
              <option value="population">{t(language, 'planner.siting.demand.population')}</option>
            ) : null}
          </select>
        </label>

        <fieldset class="field">
          <legend class="field-label">{t(language, 'planner.siting.candidates')}</legend>
          <div class="segmented" role="radiogroup" aria-label={t(language, 'planner.siting.candidates')}>
            {(['generated', 'drawn'] as const).map((c) => (
              <button
                key={c}
                type="button"
                role="radio"
                class="segmented-button"
                aria-checked={form.candidates === c}
                aria-pressed={form.candidates === c}
                data-testid={`siting-candidates-${c}`}
                onClick={() => {
                  set({ candidates: c });
                  if (c === 'generated' && drawing) props.onTool('none');
                }}
              >
                {t(language, `planner.siting.candidates.${c}`)}
              </button>
            ))}
          </div>
          {form.candidates === 'drawn' ? (
            <div class="planner-row">
              <button
                type="button"
                class="button button--small"
                aria-pressed={drawing}
                data-testid="siting-draw"
                onClick={() => props.onTool(drawing ? 'none' : 'draw-candidates')}
              >
                {t(language, drawing ? 'planner.siting.draw.stop' : 'planner.siting.draw.start')}
              </button>
              <span class="planner-note" data-testid="siting-drawn-count">
                {t(language, 'planner.siting.drawn', { count: planner.candidates.length })}
              </span>
              {drawing ? (
                <button type="button" class="link-button" onClick={props.onCandidateAtCentre}>
                  {t(language, 'planner.siting.draw.centre')}
                </button>
              ) : null}
              {planner.candidates.length > 0 ? (
                <button type="button" class="link-button" onClick={props.onClearCandidates}>
                  {t(language, 'planner.siting.draw.clear')}
                </button>
              ) : null}
            </div>
          ) : (
            <p class="planner-note">{t(language, 'planner.siting.candidates.generatedNote')}</p>
          )}
        </fieldset>

        <label class="checkbox-field">
          <input
            type="checkbox"
            checked={form.exact}
            data-testid="siting-exact"
            onChange={(e) => set({ exact: e.currentTarget.checked })}
          />
          <span>{t(language, 'planner.siting.exact')}</span>
        </label>

        {problem ? (
          <p class="planner-hint" data-testid="siting-problem">
            {t(language, problem)}
          </p>
        ) : null}
        <div class="planner-row">
          <button
            type="submit"
            class="button button--primary"
            disabled={problem !== null || running}
            data-testid="siting-run"
          >
            {t(language, 'planner.siting.run')}
          </button>
          {running ? (
            <>
              <span class="planner-state" role="status" data-testid="siting-running">
                <span class="spinner spinner--inline" aria-hidden="true" />{' '}
                {t(language, 'planner.siting.running')}
              </span>
              <button type="button" class="link-button" onClick={props.onCancel}>
                {t(language, 'planner.siting.cancel')}
              </button>
            </>
          ) : null}
        </div>
      </form>

      {planner.siting.status === 'error' ? (
        <p class="planner-state planner-state--error" role="alert" data-testid="siting-error">
          {t(language, 'planner.siting.error', { message: planner.siting.error ?? '' })}
        </p>
      ) : null}
      <SitingResults {...props} />
    </div>
  );
}

function SitingResults({ language, planner, onClear, onHighlight, onFlyTo }: PlannerSitingProps) {
  const result = planner.siting.result;
  if (!result) return null;
  const rows = rankedRows(result);
  const unit = unitLabel(language, result.demand.kind);
  const download = (name: string, type: string, text: string) => {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const stem = `atalaya-sitios-${result.area.id.replace(/[^a-z0-9-]+/gi, '_')}`;
  return (
    <section class="siting-results" aria-live="polite" data-testid="siting-results">
      <h3 class="planner-subtitle">
        {t(language, 'planner.siting.results', {
          area: result.area.kind === 'bbox' ? t(language, 'planner.siting.results.view') : result.area.name,
        })}
      </h3>
      {rows.length === 0 ? (
        <p class="planner-state" data-testid="siting-empty">
          {t(language, 'planner.siting.none')}
        </p>
      ) : (
        <>
          <p class="planner-note" data-testid="siting-summary">
            {t(language, 'planner.siting.summary', {
              sites: rows.length,
              cost: formatUsd(language, result.totals.costUsd),
              before: formatPct(language, result.demand.coveredByNetworkPct),
              after: formatPct(language, result.totals.coveredPct),
              unit,
            })}
          </p>
          {result.exact ? (
            <p class="planner-note" data-testid="siting-gap">
              {t(language, result.exact.provenOptimal ? 'planner.siting.gap' : 'planner.siting.gapUnproven', {
                gap: formatPct(language, result.exact.greedyGapPct, 2),
                optimum: formatNumber(language, result.exact.optimum, 1),
                unit,
              })}
            </p>
          ) : null}
          <div class="planner-table-wrap planner-table-wrap--tall">
            <table class="planner-table" data-testid="siting-table">
              <caption class="visually-hidden">{t(language, 'planner.siting.tableCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col" class="num">
                    #
                  </th>
                  <th scope="col">{t(language, 'planner.siting.col.site')}</th>
                  <th scope="col" class="num">
                    {t(language, 'planner.siting.col.cost')}
                  </th>
                  <th scope="col" class="num">
                    {t(language, 'planner.siting.col.gain')}
                  </th>
                  <th scope="col" class="num">
                    {t(language, 'planner.siting.col.cumulative')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr
                    key={r.rank}
                    class={planner.highlightRank === r.rank ? 'is-active' : ''}
                    data-rank={r.rank}
                    onMouseEnter={() => onHighlight(r.rank)}
                    onMouseLeave={() => onHighlight(null)}
                  >
                    <td class="num">{r.rank}</td>
                    <th scope="row">
                      <button
                        type="button"
                        class="link-button zone-name"
                        onFocus={() => onHighlight(r.rank)}
                        onBlur={() => onHighlight(null)}
                        onClick={() => onFlyTo(r.position, 15)}
                        title={t(language, `planner.source.${sourceKey(r.source)}`)}
                      >
                        {r.label}
                      </button>
                      <span class="planner-delta planner-delta--small">
                        {t(language, `planner.source.${sourceKey(r.source)}`)}
                      </span>
                    </th>
                    <td class="num">{formatUsd(language, r.costUsd)}</td>
                    <td class="num">
                      {formatNumber(language, r.gain, r.gain < 10 ? 1 : 0)}
                      <span class="planner-delta planner-delta--small">{formatPct(language, r.gainPct)}</span>
                    </td>
                    <td class="num">
                      {formatPct(language, r.cumulativePct)}
                      {r.cumulativeGainPct !== null ? (
                        <span class="planner-delta planner-delta--small planner-delta--up">
                          {formatPoints(language, r.cumulativeGainPct)}
                        </span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="planner-note">
            {t(language, 'planner.siting.note', {
              unit,
              candidates: result.candidates.sites,
              seconds: formatNumber(language, result.timingsMs.total / 1000, 1),
            })}
          </p>
        </>
      )}
      <div class="planner-row">
        {rows.length > 0 ? (
          <>
            <button
              type="button"
              class="button button--small"
              data-testid="export-sites-csv"
              onClick={() => download(`${stem}.csv`, 'text/csv', sitingCsv(result.table))}
            >
              {t(language, 'planner.export.sitesCsv')}
            </button>
            <button
              type="button"
              class="button button--small"
              data-testid="export-sites-geojson"
              onClick={() =>
                download(
                  `${stem}.geojson`,
                  'application/geo+json',
                  JSON.stringify(sitesFeatureCollection(result.table), null, 1),
                )
              }
            >
              {t(language, 'planner.export.sitesGeojson')}
            </button>
          </>
        ) : null}
        <button type="button" class="link-button" onClick={onClear} data-testid="siting-clear">
          {t(language, 'planner.siting.clear')}
        </button>
      </div>
    </section>
  );
}

function volcanoArea(reference: Partial<ReferenceData>, gvp: string): string | null {
  const v = reference.volcanoes?.features.find((f) => String(f.properties.gvpNumber) === gvp);
  return v && v.properties.monitored ? `volcano:${gvp}` : null;
}

function unitLabel(language: Language, kind: string): string {
  return t(
    language,
    kind === 'area'
      ? 'planner.unit.area'
      : kind === 'population'
        ? 'planner.unit.people'
        : 'planner.unit.incidents',
  );
}

function sourceKey(source: string): 'user' | 'town' | 'road' | 'highPoint' {
  return source === 'user' ? 'user' : source === 'town' ? 'town' : source === 'road' ? 'road' : 'highPoint';
}

/** 'Domo 360°, 300 m, montado a 8 m, 1920 px'. */
function modelSummary(language: Language, id: SitingForm['modelId']): string {
  const m = CAMERA_MODELS[id];
  return t(language, 'planner.model.summary', {
    hfov: m.hfovDeg,
    range:
      m.rangeM >= 1000
        ? t(language, 'unit.km', { value: formatNumber(language, m.rangeM / 1000, 1) })
        : t(language, 'unit.m', { value: m.rangeM }),
    height: m.mountHeightM,
    px: m.resolutionHPx,
  });
}
