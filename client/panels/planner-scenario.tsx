/**
 * The planner's what-if tab: add cameras by clicking the map, drag them (or a network camera) to
 * move them, take cameras away, and see the coverage change (POST /api/coverage/what-if, figures
 * and raster together). Nothing is saved to the inventory: a scenario lives in this page only.
 */
import type { CameraCollection } from '../data/camera-features.js';
import { formatNumber, t } from '../i18n.js';
import type { Language, Selection } from '../state/app-state.js';
import { PlannerDelta } from './planner-delta.js';
import { formatPct } from './planner-format.js';
import { CameraModelSelect } from './camera-model-select.js';
import { scenarioSize, type CameraModelId, type PlannerRuntime, type PlannerTool } from './planner-state.js';

export interface PlannerScenarioProps {
  language: Language;
  planner: PlannerRuntime;
  selection: Selection | null;
  cameras: CameraCollection | null;
  onTool: (tool: PlannerTool) => void;
  /** Adds a camera at the map's centre: the keyboard's way to place one (then arrows move it). */
  onAddAtCentre: () => void;
  onAddModel: (model: CameraModelId) => void;
  onMoveSelected: (externalId: string, position: [number, number]) => void;
  onRemoveSelected: (externalId: string, position: [number, number]) => void;
  onUndo: (id: string) => void;
  onReset: () => void;
}

export function PlannerScenario(props: PlannerScenarioProps) {
  const { language, planner, selection, cameras } = props;
  const { scenario, whatIf } = planner;
  const adding = planner.tool === 'add-camera';
  const selected =
    selection?.kind === 'camera'
      ? cameras?.features.find((f) => f.properties.externalId === selection.id)
      : undefined;
  const size = scenarioSize(scenario);
  const result = whatIf.result;

  return (
    <div class="planner-tab" data-testid="planner-scenario">
      <p class="planner-note planner-note--first">{t(language, 'planner.scenario.intro')}</p>
      <div class="field-pair">
        <CameraModelSelect
          language={language}
          label="planner.scenario.model"
          value={planner.addModel}
          testId="scenario-model"
          onChange={props.onAddModel}
        />
        <button
          type="button"
          class="button button--primary field-button"
          aria-pressed={adding}
          data-testid="scenario-add"
          onClick={() => props.onTool(adding ? 'none' : 'add-camera')}
        >
          {t(language, adding ? 'planner.scenario.add.stop' : 'planner.scenario.add')}
        </button>
      </div>
      {adding ? (
        <p class="planner-hint" role="status">
          {t(language, 'planner.scenario.add.hint')}{' '}
          <button
            type="button"
            class="link-button"
            data-testid="scenario-add-centre"
            onClick={props.onAddAtCentre}
          >
            {t(language, 'planner.scenario.add.centre')}
          </button>
        </p>
      ) : null}

      {selected ? (
        <div class="planner-row planner-row--wrap" data-testid="scenario-selected">
          <span class="planner-note">
            {t(language, 'planner.scenario.selected', { name: selected.properties.name })}
          </span>
          <button
            type="button"
            class="button button--small"
            data-testid="scenario-move-selected"
            onClick={() =>
              props.onMoveSelected(
                selected.properties.externalId,
                selected.geometry.coordinates as [number, number],
              )
            }
          >
            {t(language, 'planner.scenario.move')}
          </button>
          <button
            type="button"
            class="button button--small"
            data-testid="scenario-remove-selected"
            onClick={() =>
              props.onRemoveSelected(
                selected.properties.externalId,
                selected.geometry.coordinates as [number, number],
              )
            }
          >
            {t(language, 'planner.scenario.remove')}
          </button>
        </div>
      ) : (
        <p class="planner-note">{t(language, 'planner.scenario.selectHint')}</p>
      )}

      {size === 0 ? (
        <p class="planner-state" data-testid="scenario-empty">
          {t(language, 'planner.scenario.empty')}
        </p>
      ) : (
        <>
          <ul class="scenario-list" data-testid="scenario-changes">
            {scenario.added.map((a) => (
              <ChangeItem
                key={a.id}
                language={language}
                text={t(language, 'planner.scenario.change.added', {
                  id: a.id,
                  model: t(language, `planner.model.${a.modelId}`),
                })}
                onUndo={() => props.onUndo(a.id)}
              />
            ))}
            {scenario.moved.map((m) => (
              <ChangeItem
                key={m.externalId}
                language={language}
                text={t(language, 'planner.scenario.change.moved', { id: m.externalId })}
                onUndo={() => props.onUndo(m.externalId)}
              />
            ))}
            {scenario.removed.map((r) => (
              <ChangeItem
                key={r.externalId}
                language={language}
                text={t(language, 'planner.scenario.change.removed', { id: r.externalId })}
                onUndo={() => props.onUndo(r.externalId)}
              />
            ))}
          </ul>
          <div class="scenario-result" aria-live="polite" data-testid="scenario-result">
            {whatIf.status === 'running' && !result ? (
              <p class="planner-state" role="status">
                <span class="spinner spinner--inline" aria-hidden="true" />{' '}
                {t(language, 'planner.scenario.running')}
              </p>
            ) : null}
            {whatIf.status === 'error' ? (
              <p class="planner-state planner-state--error" role="alert" data-testid="scenario-error">
                {t(language, 'planner.scenario.error', { message: whatIf.error ?? '' })}
              </p>
            ) : null}
            {result ? (
              <>
                <dl class="planner-summary planner-summary--compact">
                  <Compare
                    language={language}
                    label={t(language, 'planner.summary.area')}
                    before={result.before.coveredAreaPct}
                    after={result.after.coveredAreaPct}
                    digits={2}
                  />
                  <Compare
                    language={language}
                    label={t(language, 'planner.summary.incidents')}
                    before={result.before.demand['incidents']?.coveredPct ?? null}
                    after={result.after.demand['incidents']?.coveredPct ?? null}
                    digits={2}
                    testid="scenario-incidents"
                  />
                </dl>
                <p class="planner-note">
                  {t(language, 'planner.scenario.cells', {
                    gained: formatNumber(language, result.gainedCells),
                    lost: formatNumber(language, result.lostCells),
                  })}
                </p>
                {result.provinces.length > 0 ? (
                  <ul class="scenario-zones">
                    {result.provinces.map((p) => (
                      <li key={p.id}>
                        {p.name}: {formatPct(language, p.before.demand['incidents']?.coveredPct, 2)} →{' '}
                        {formatPct(language, p.after.demand['incidents']?.coveredPct, 2)}{' '}
                        {t(language, 'planner.scenario.zoneIncidents')}
                      </li>
                    ))}
                  </ul>
                ) : null}
                <p class="planner-note" data-testid="scenario-timing" data-ms={whatIf.roundTripMs ?? ''}>
                  {whatIf.status === 'running'
                    ? t(language, 'planner.scenario.updating')
                    : t(language, 'planner.scenario.timing', {
                        seconds: formatNumber(language, (whatIf.roundTripMs ?? result.elapsedMs) / 1000, 2),
                      })}
                </p>
              </>
            ) : null}
          </div>
        </>
      )}
      <div class="planner-row">
        <button
          type="button"
          class="button button--small"
          disabled={size === 0}
          data-testid="scenario-reset"
          onClick={props.onReset}
        >
          {t(language, 'planner.scenario.reset')}
        </button>
      </div>
      <p class="planner-note">{t(language, 'planner.scenario.notSaved')}</p>
    </div>
  );
}

function ChangeItem({ language, text, onUndo }: { language: Language; text: string; onUndo: () => void }) {
  return (
    <li class="scenario-change">
      <span>{text}</span>
      <button type="button" class="link-button" onClick={onUndo}>
        {t(language, 'planner.scenario.undo')}
      </button>
    </li>
  );
}

function Compare({
  language,
  label,
  before,
  after,
  digits = 1,
  testid,
}: {
  language: Language;
  label: string;
  before: number | null;
  after: number | null;
  digits?: number;
  testid?: string;
}) {
  const delta = before !== null && after !== null ? after - before : null;
  return (
    <div class="planner-figure">
      <dt>{label}</dt>
      <dd data-testid={testid} data-before={before ?? ''} data-after={after ?? ''}>
        <span class="planner-figure-before">{formatPct(language, before, digits)}</span>
        {' → '}
        <span class="planner-figure-value">{formatPct(language, after, digits)}</span>
        {delta !== null ? <PlannerDelta language={language} delta={delta} digits={digits} /> : null}
      </dd>
    </div>
  );
}
