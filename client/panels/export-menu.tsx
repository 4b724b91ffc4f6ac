/**
 * The header's export menu: a PNG snapshot of the map as it is drawn (map/map-snapshot.ts), and the
 * incidents of the map's filter — the current view's bounds, the time window and the categories —
 * as CSV (the import format) or GeoJSON, from GET /api/incidents/export.
 *
 * A disclosure button and a small popover of buttons: Tab reaches everything, the first item takes
 * the focus when it opens, the arrow keys move between items, Escape closes it and gives the focus
 * back to the button, a press outside closes it.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, authHeader, getJson } from '../data/api-client.js';
import { authToken } from '../data/auth-token.js';
import { formatTimeWindow, t } from '../i18n.js';
import {
  renderSnapshot,
  showsSyntheticData,
  snapshotCaption,
  snapshotFileName,
} from '../map/map-snapshot.js';
import { INCIDENT_CATEGORIES, type AppState, type Language, type TimeWindow } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';

export type IncidentExportFormat = 'csv' | 'geojson';

/**
 * GET /api/incidents/export for the map's filter: `bbox` the view's [west, south, east, north]
 * (degrees, rounded outward to 1e-5° ≈ 1 m so no incident on screen is cut), the state's window or
 * the slider's whole domain, the categories when not all. Null when nothing can match (no category)
 * or the view is not known yet.
 */
export function incidentExportUrl(
  format: IncidentExportFormat,
  state: Pick<AppState, 'incidentCategories' | 'timeWindow'>,
  domain: TimeWindow,
  viewBounds: readonly [number, number, number, number] | null,
): string | null {
  if (state.incidentCategories.size === 0 || !viewBounds) return null;
  const [w, s, e, n] = viewBounds;
  const down = (v: number) => Math.floor(v * 1e5) / 1e5;
  const up = (v: number) => Math.ceil(v * 1e5) / 1e5;
  const bbox = [Math.max(-180, down(w)), Math.max(-90, down(s)), Math.min(180, up(e)), Math.min(90, up(n))];
  const window = state.timeWindow ?? domain;
  const params = new URLSearchParams({
    format,
    bbox: bbox.join(','),
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
  });
  if (!INCIDENT_CATEGORIES.every((c) => state.incidentCategories.has(c))) {
    params.set('category', INCIDENT_CATEGORIES.filter((c) => state.incidentCategories.has(c)).join(','));
  }
  return `/api/incidents/export?${params.toString().replace(/%2C/g, ',').replace(/%3A/g, ':')}`;
}

export interface ExportMenuProps {
  language: Language;
  state: AppState;
  rt: RuntimeState;
  /** The map, once created; the PNG item waits for it. */
  map: MapLibreMap | null;
}

type Status =
  | { kind: 'idle' }
  | { kind: 'working' }
  | { kind: 'done'; file: string }
  | { kind: 'error'; message: string };

export function ExportMenu({ language, state, rt, map }: ExportMenuProps) {
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const opener = useRef<HTMLButtonElement>(null);
  const popover = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (open) popover.current?.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus();
  }, [open]);
  // A press anywhere else closes it, as Escape does (without taking the focus back).
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    opener.current?.focus();
  };
  const run = async (task: () => Promise<string>) => {
    setStatus({ kind: 'working' });
    try {
      setStatus({ kind: 'done', file: await task() });
    } catch (error) {
      setStatus({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  };

  const exportPng = () =>
    run(async () => {
      if (!map) throw new Error(t(language, 'map.loading'));
      const now = Date.now();
      const incidentsDrawn =
        state.overlays.has('density') ||
        (state.overlays.has('regions') && state.regionMeasure === 'incidents');
      const synthetic = showsSyntheticData({
        overlays: state.overlays,
        regionMeasure: state.regionMeasure,
        densitySynthetic: rt.density.data?.synthetic ?? 0,
        regionIncidentsSynthetic:
          rt.regionStats.data?.measure === 'incidents' ? (rt.regionStats.data.synthetic ?? 0) : 0,
        camerasSynthetic: rt.cameras.data?.features.some((f) => f.properties.synthetic) ?? false,
        demoLoaded: await demoLoaded(),
      });
      const caption = snapshotCaption({
        language,
        overlays: state.overlays,
        regionMeasure: state.regionMeasure,
        view: state.view,
        window: incidentsDrawn ? (state.timeWindow ?? rt.timeDomain) : null,
        synthetic,
        nowMs: now,
      });
      const file = snapshotFileName(language, now);
      saveBlob(await renderSnapshot(map, caption), file);
      return file;
    });

  const exportIncidents = (format: IncidentExportFormat) =>
    run(async () => {
      const url = incidentExportUrl(format, state, rt.timeDomain, rt.viewBounds);
      if (!url) throw new Error(t(language, 'export.noCategory'));
      const fallbackName = `atalaya-incidents-${new Date().toISOString().slice(0, 10)}.${format}`;
      if (!authToken()) {
        // Anonymous reads: the browser streams the download itself, however many incidents.
        saveUrl(url);
        return fallbackName;
      }
      // A signed-in user's token goes in a header, which a plain link cannot send.
      const response = await fetch(url, { headers: authHeader() });
      if (!response.ok) throw new ApiError(url, response.status, response.statusText, undefined);
      const file = fileNameOf(response.headers.get('content-disposition')) ?? fallbackName;
      saveBlob(await response.blob(), file);
      return file;
    });

  const window = state.timeWindow ?? rt.timeDomain;
  const categories =
    state.incidentCategories.size === INCIDENT_CATEGORIES.length
      ? t(language, 'regions.allCategories')
      : INCIDENT_CATEGORIES.filter((c) => state.incidentCategories.has(c))
          .map((c) => t(language, `incident.category.${c}`))
          .join(', ');
  const incidentsDisabled = state.incidentCategories.size === 0 || !rt.viewBounds;
  const items: { id: string; label: string; disabled: boolean; onClick: () => void }[] = [
    { id: 'png', label: t(language, 'export.png'), disabled: !map, onClick: () => void exportPng() },
    {
      id: 'csv',
      label: t(language, 'export.csv'),
      disabled: incidentsDisabled,
      onClick: () => void exportIncidents('csv'),
    },
    {
      id: 'geojson',
      label: t(language, 'export.geojson'),
      disabled: incidentsDisabled,
      onClick: () => void exportIncidents('geojson'),
    },
  ];

  return (
    <div ref={root} class="export-menu" data-testid="export-menu">
      <button
        ref={opener}
        type="button"
        class="button button--small"
        aria-expanded={open}
        aria-controls="export-popover"
        data-testid="export-open"
        onClick={() => setOpen(!open)}
      >
        {t(language, 'export.button')}
      </button>
      {open ? (
        <div
          id="export-popover"
          ref={popover}
          class="export-popover"
          role="group"
          aria-label={t(language, 'export.menuLabel')}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              close();
            } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
              event.preventDefault();
              moveFocus(popover.current, event.key === 'ArrowDown' ? 1 : -1);
            }
          }}
        >
          <ul class="export-items">
            {items.map((item) => (
              <li key={item.id}>
                <button
                  type="button"
                  class="export-item"
                  disabled={item.disabled || status.kind === 'working'}
                  data-testid={`export-${item.id}`}
                  onClick={item.onClick}
                >
                  {item.label}
                </button>
              </li>
            ))}
          </ul>
          <p class="export-note">
            {state.incidentCategories.size === 0
              ? t(language, 'export.noCategory')
              : t(language, 'export.scope', { window: formatTimeWindow(language, window), categories })}
          </p>
          <p class="export-status" role="status" aria-live="polite" data-testid="export-status">
            {status.kind === 'working'
              ? t(language, 'export.working')
              : status.kind === 'done'
                ? t(language, 'export.done', { file: status.file })
                : status.kind === 'error'
                  ? t(language, 'export.error', { message: status.message })
                  : ''}
          </p>
        </div>
      ) : null}
    </div>
  );
}

/** Whether a synthetic demo set is loaded (GET /api/demo: 404 when none); null when the server cannot say. */
async function demoLoaded(): Promise<boolean | null> {
  try {
    await getJson('/api/demo');
    return true;
  } catch (error) {
    return error instanceof ApiError && error.status === 404 ? false : null;
  }
}

function moveFocus(container: HTMLElement | null, step: 1 | -1): void {
  if (!container) return;
  const buttons = [...container.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')];
  if (buttons.length === 0) return;
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  buttons[(at + step + buttons.length) % buttons.length]!.focus();
}

function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  saveUrl(url, fileName);
  // The click has started the download by the time this runs; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Starts a download of `url` (same origin); without a name the server's Content-Disposition names it. */
function saveUrl(url: string, fileName = ''): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}

/** The file name of a Content-Disposition header (`attachment; filename="x.csv"`), if any. */
function fileNameOf(header: string | null): string | null {
  return header ? (/filename="([^"]+)"/.exec(header)?.[1] ?? null) : null;
}
