/**
 * Where an alert is, in words, from its scope key (server/rules/scope.ts: `camera:<id>`,
 * `camera:<id>:obscured`, `region:<centerId>`, `h3:<cell>`) and the names the page has loaded:
 * "Cotopaxi · cámara COTO-TH-01", "Región Quito", "Celda H3 8766…".
 */
import { t } from '../i18n.js';
import type { Language } from '../state/app-state.js';
import type { Alert } from './alert-list.js';

export interface PlaceNames {
  /** A volcano's name by GVP number; null when not loaded. */
  volcano(gvpNumber: number): string | null;
  /** A region's short name by its center id; null when not loaded. */
  region(centerId: string): string | null;
  /** The GVP number of the volcano a camera watches, when the cameras are loaded. */
  cameraVolcano?(cameraId: string): number | null;
}

export function alertPlace(
  language: Language,
  alert: Pick<Alert, 'scopeKey' | 'evidence'>,
  names: PlaceNames,
): string {
  const [type, id, qualifier] = alert.scopeKey.split(':');
  if (!id) return alert.scopeKey;
  switch (type) {
    case 'camera': {
      // The evidence names the volcano; a page of the list carries none, the camera network may.
      const fromEvidence = alert.evidence?.['volcanoGvp'];
      const gvp = typeof fromEvidence === 'number' ? fromEvidence : (names.cameraVolcano?.(id) ?? null);
      const volcano = gvp === null ? null : names.volcano(gvp);
      const place = volcano
        ? t(language, 'alerts.place.volcanoCamera', { volcano, id })
        : t(language, 'alerts.place.camera', { id });
      return qualifier === 'obscured' ? t(language, 'alerts.place.obscured', { place }) : place;
    }
    case 'region':
      return t(language, 'alerts.place.region', { name: names.region(id) ?? id });
    case 'h3':
      return t(language, 'alerts.place.cell', { cell: id });
    default:
      return alert.scopeKey;
  }
}
