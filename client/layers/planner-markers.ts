/**
 * The what-if's cameras on the map as MapLibre markers: a button for each camera the scenario
 * adds or moves, which the pointer drags and the arrow keys nudge (Shift: finer), and Delete
 * takes out of the scenario; a cross where a network camera is removed, and a faint ring where a
 * moved one stood. DOM markers rather than deck.gl objects because they are draggable and
 * focusable as they are, and a scenario holds a handful of cameras.
 */
import * as maplibregl from 'maplibre-gl';
import { t } from '../i18n.js';
import { moveCamera, undoCamera, type Scenario } from '../panels/planner-state.js';
import { setPlanner } from '../panels/planner-loader.js';
import type { AppState } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';

/** Screen pixels an arrow key moves a camera; with Shift, NUDGE_FINE_PX. */
export const NUDGE_PX = 20;
export const NUDGE_FINE_PX = 4;

type MarkerKind = 'added' | 'moved' | 'removed' | 'origin';

interface Held {
  marker: maplibregl.Marker;
  kind: MarkerKind;
  element: HTMLElement;
}

export interface PlannerMarkers {
  stop(): void;
}

/** Keeps one marker per scenario camera on the map, following the runtime store. */
export function mountPlannerMarkers(
  map: maplibregl.Map,
  app: Store<AppState>,
  runtime: Store<RuntimeState>,
): PlannerMarkers {
  const held = new Map<string, Held>();

  const move = (id: string, position: [number, number]) =>
    setPlanner(runtime, (p) => ({ scenario: moveCamera(p.scenario, id, position) }));
  const undo = (id: string) => setPlanner(runtime, (p) => ({ scenario: undoCamera(p.scenario, id) }));

  function create(key: string, kind: MarkerKind, id: string): Held {
    const element: HTMLElement = document.createElement(kind === 'origin' ? 'span' : 'button');
    element.className = `scenario-marker scenario-marker--${kind}`;
    element.dataset['testid'] = `scenario-marker-${kind}`;
    element.dataset['camera'] = id;
    if (element instanceof HTMLButtonElement) element.type = 'button';
    const draggable = kind === 'added' || kind === 'moved';
    const marker = new maplibregl.Marker({ element, draggable });
    if (draggable) {
      marker.on('dragend', () => {
        const { lng, lat } = marker.getLngLat();
        move(id, [lng, lat]);
      });
      element.addEventListener('keydown', (event: KeyboardEvent) => {
        const step = event.shiftKey ? NUDGE_FINE_PX : NUDGE_PX;
        const d: Record<string, [number, number]> = {
          ArrowLeft: [-step, 0],
          ArrowRight: [step, 0],
          ArrowUp: [0, -step],
          ArrowDown: [0, step],
        };
        const delta = d[event.key];
        if (delta) {
          event.preventDefault();
          event.stopPropagation();
          const p = map.project(marker.getLngLat());
          const next = map.unproject([p.x + delta[0], p.y + delta[1]]);
          marker.setLngLat(next);
          move(id, [next.lng, next.lat]);
        } else if (event.key === 'Delete' || event.key === 'Backspace') {
          event.preventDefault();
          undo(id);
        }
      });
    }
    if (kind === 'removed') element.addEventListener('click', () => undo(id));
    // A click on a marker must not also select or add what lies under it on the map.
    element.addEventListener('click', (event) => event.stopPropagation());
    return { marker, kind, element };
  }

  function label(kind: MarkerKind, id: string): string {
    const language = app.get().language;
    switch (kind) {
      case 'added':
        return t(language, 'planner.marker.added', { id });
      case 'moved':
        return t(language, 'planner.marker.moved', { id });
      case 'removed':
        return t(language, 'planner.marker.removed', { id });
      case 'origin':
        return '';
    }
  }

  function sync(scenario: Scenario, visible: boolean): void {
    const wanted = new Map<string, { kind: MarkerKind; id: string; position: [number, number] }>();
    if (visible) {
      for (const a of scenario.added)
        wanted.set(`added:${a.id}`, { kind: 'added', id: a.id, position: a.position });
      for (const m of scenario.moved) {
        wanted.set(`moved:${m.externalId}`, { kind: 'moved', id: m.externalId, position: m.position });
        wanted.set(`origin:${m.externalId}`, { kind: 'origin', id: m.externalId, position: m.from });
      }
      for (const r of scenario.removed) {
        wanted.set(`removed:${r.externalId}`, { kind: 'removed', id: r.externalId, position: r.position });
      }
    }
    for (const [key, h] of held) {
      if (!wanted.has(key)) {
        h.marker.remove();
        held.delete(key);
      }
    }
    for (const [key, w] of wanted) {
      let h = held.get(key);
      if (!h) {
        h = create(key, w.kind, w.id);
        h.marker.setLngLat(w.position).addTo(map);
        held.set(key, h);
      } else {
        const at = h.marker.getLngLat();
        if (at.lng !== w.position[0] || at.lat !== w.position[1]) h.marker.setLngLat(w.position);
      }
      const text = label(w.kind, w.id);
      if (text) {
        h.element.setAttribute('aria-label', text);
        h.element.title = text;
      } else {
        h.element.setAttribute('aria-hidden', 'true');
      }
    }
  }

  const visible = () => app.get().overlays.has('coverage');
  const unsubscribeRuntime = runtime.subscribe((rt, previous) => {
    if (rt.planner.scenario !== previous.planner.scenario) sync(rt.planner.scenario, visible());
  });
  const unsubscribeApp = app.subscribe((state, previous) => {
    if (state.overlays !== previous.overlays || state.language !== previous.language) {
      sync(runtime.get().planner.scenario, visible());
    }
  });
  sync(runtime.get().planner.scenario, visible());

  return {
    stop() {
      unsubscribeRuntime();
      unsubscribeApp();
      for (const h of held.values()) h.marker.remove();
      held.clear();
    },
  };
}
