/**
 * The planner's panel over the map, open while the coverage overlay is on: three tabs — coverage
 * per zone (planner-coverage.tsx), siting new cameras (planner-siting.tsx) and what-if
 * (planner-scenario.tsx) — and, while a scenario changes anything, a banner on the map saying so
 * with a reset. Siting and what-if need the `siting.run` permission (analysts and admins); other
 * sessions see why the actions are missing instead of the actions.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { can } from '../data/session.js';
import type { ReferenceData } from '../data/reference-features.js';
import { t } from '../i18n.js';
import type { AppState, Selection } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { PlannerCoverage } from './planner-coverage.js';
import { setPlanner, startPlannerLoader, type PlannerLoader } from './planner-loader.js';
import { PlannerScenario } from './planner-scenario.js';
import { PlannerSiting } from './planner-siting.js';
import {
  addCamera,
  DEFAULT_SITING_FORM,
  EMPTY_SCENARIO,
  moveCamera,
  removeCamera,
  scenarioSize,
  undoCamera,
  type SitingForm,
} from './planner-state.js';

const TABS = ['coverage', 'siting', 'scenario'] as const;
type Tab = (typeof TABS)[number];

export interface PlannerPanelProps {
  app: Store<AppState>;
  runtime: Store<RuntimeState>;
  state: AppState;
  rt: RuntimeState;
  reference: Partial<ReferenceData>;
  onSelect: (selection: Selection) => void;
  onFlyTo: (center: [number, number], zoom: number) => void;
}

export function PlannerPanel({ app, runtime, state, rt, reference, onSelect, onFlyTo }: PlannerPanelProps) {
  const { language } = state;
  const [tab, setTab] = useState<Tab>('coverage');
  const [collapsed, setCollapsed] = useState(false);
  const [form, setForm] = useState<SitingForm>(DEFAULT_SITING_FORM);
  const loader = useRef<PlannerLoader | null>(null);
  const tabRefs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});

  useEffect(() => {
    loader.current = startPlannerLoader(app, runtime);
    return () => {
      loader.current?.stop();
      loader.current = null;
      // A tool left on would turn the next map click into a camera or a candidate.
      setPlanner(runtime, { tool: 'none' });
    };
  }, [app, runtime]);

  const planner = rt.planner;
  const allowed = can(rt.session, 'siting.run');
  const size = scenarioSize(planner.scenario);
  const onKeyTabs = (event: KeyboardEvent) => {
    const i = TABS.indexOf(tab);
    const next =
      event.key === 'ArrowRight'
        ? TABS[(i + 1) % TABS.length]
        : event.key === 'ArrowLeft'
          ? TABS[(i + TABS.length - 1) % TABS.length]
          : event.key === 'Home'
            ? TABS[0]
            : event.key === 'End'
              ? TABS[TABS.length - 1]
              : undefined;
    if (!next) return;
    event.preventDefault();
    setTab(next);
    tabRefs.current[next]?.focus();
  };
  const reset = () => setPlanner(runtime, { scenario: EMPTY_SCENARIO, tool: 'none' });

  return (
    <>
      {size > 0 ? (
        <div class="scenario-banner" role="status" data-testid="scenario-indicator">
          <span class="scenario-banner-tag">{t(language, 'planner.banner.tag')}</span>
          <span>{t(language, 'planner.banner.text', { count: size })}</span>
          {planner.whatIf.status === 'running' ? (
            <span class="spinner spinner--inline" aria-hidden="true" />
          ) : null}
          <button
            type="button"
            class="button button--small"
            data-testid="scenario-banner-reset"
            onClick={reset}
          >
            {t(language, 'planner.scenario.reset')}
          </button>
        </div>
      ) : null}
      <section
        class={`planner${collapsed ? ' planner--collapsed' : ''}`}
        aria-label={t(language, 'planner.label')}
        data-testid="planner-panel"
      >
        <header class="planner-header">
          <h2 class="planner-title">{t(language, 'planner.title')}</h2>
          <button
            type="button"
            class="icon-button"
            aria-expanded={!collapsed}
            aria-controls="planner-body"
            title={t(language, collapsed ? 'planner.expand' : 'planner.collapse')}
            aria-label={t(language, collapsed ? 'planner.expand' : 'planner.collapse')}
            data-testid="planner-collapse"
            onClick={() => setCollapsed(!collapsed)}
          >
            <span aria-hidden="true">{collapsed ? '▸' : '▾'}</span>
          </button>
        </header>
        <div id="planner-body" class="planner-body" hidden={collapsed}>
          <div
            class="planner-tabs"
            role="tablist"
            aria-label={t(language, 'planner.tabs')}
            onKeyDown={onKeyTabs}
          >
            {TABS.map((id) => (
              <button
                key={id}
                ref={(el) => {
                  tabRefs.current[id] = el;
                }}
                type="button"
                role="tab"
                id={`planner-tab-${id}`}
                class="planner-tab-button"
                aria-selected={tab === id}
                aria-controls={`planner-panel-${id}`}
                tabIndex={tab === id ? 0 : -1}
                data-testid={`planner-tab-${id}`}
                onClick={() => setTab(id)}
              >
                {t(language, `planner.tab.${id}`)}
                {id === 'scenario' && size > 0 ? <span class="tab-count">{size}</span> : null}
              </button>
            ))}
          </div>
          <div
            role="tabpanel"
            id="planner-panel-coverage"
            aria-labelledby="planner-tab-coverage"
            hidden={tab !== 'coverage'}
            class="planner-tabpanel"
          >
            <PlannerCoverage
              language={language}
              report={planner.report}
              gaps={planner.gaps}
              whatIf={planner.whatIf}
              selection={state.selection}
              onSelect={onSelect}
              onFlyTo={onFlyTo}
              onRetry={() => loader.current?.reload()}
            />
          </div>
          <div
            role="tabpanel"
            id="planner-panel-siting"
            aria-labelledby="planner-tab-siting"
            hidden={tab !== 'siting'}
            class="planner-tabpanel"
          >
            {allowed ? (
              <PlannerSiting
                language={language}
                planner={planner}
                form={form}
                onForm={setForm}
                report={planner.report.data}
                reference={reference}
                selection={state.selection}
                viewBounds={rt.viewBounds}
                onTool={(tool) => setPlanner(runtime, { tool })}
                onClearCandidates={() => setPlanner(runtime, { candidates: [] })}
                onCandidateAtCentre={() =>
                  setPlanner(runtime, (p) => ({ candidates: [...p.candidates, state.view.center] }))
                }
                onRun={(request) => loader.current?.site(request)}
                onCancel={() => loader.current?.cancelSiting()}
                onClear={() =>
                  setPlanner(runtime, {
                    siting: { status: 'idle', request: null, result: null, error: null },
                    highlightRank: null,
                  })
                }
                onHighlight={(highlightRank) => setPlanner(runtime, { highlightRank })}
                onFlyTo={onFlyTo}
              />
            ) : (
              <PermissionHint language={language} what="siting" />
            )}
          </div>
          <div
            role="tabpanel"
            id="planner-panel-scenario"
            aria-labelledby="planner-tab-scenario"
            hidden={tab !== 'scenario'}
            class="planner-tabpanel"
          >
            {allowed ? (
              <PlannerScenario
                language={language}
                planner={planner}
                selection={state.selection}
                cameras={rt.cameras.data}
                onTool={(tool) => setPlanner(runtime, { tool })}
                onAddAtCentre={() =>
                  setPlanner(runtime, (p) => ({
                    scenario: addCamera(p.scenario, p.addModel, state.view.center),
                  }))
                }
                onAddModel={(addModel) => setPlanner(runtime, { addModel })}
                onMoveSelected={(id, position) =>
                  setPlanner(runtime, (p) => ({ scenario: moveCamera(p.scenario, id, position, position) }))
                }
                onRemoveSelected={(id, position) =>
                  setPlanner(runtime, (p) => ({ scenario: removeCamera(p.scenario, id, position) }))
                }
                onUndo={(id) => setPlanner(runtime, (p) => ({ scenario: undoCamera(p.scenario, id) }))}
                onReset={reset}
              />
            ) : (
              <PermissionHint language={language} what="scenario" />
            )}
          </div>
        </div>
      </section>
    </>
  );
}

function PermissionHint({ language, what }: { language: AppState['language']; what: 'siting' | 'scenario' }) {
  return (
    <p class="planner-hint" data-testid={`${what}-permission-hint`}>
      {t(language, what === 'siting' ? 'planner.permission.siting' : 'planner.permission.scenario')}
    </p>
  );
}
