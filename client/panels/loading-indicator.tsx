/** A quiet progress pill over the map while the map or the reference data are loading. */
import { DATASET_IDS } from '../data/reference-features.js';
import { t } from '../i18n.js';
import type { Language } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';

export function LoadingIndicator({ language, runtime }: { language: Language; runtime: RuntimeState }) {
  const loadingData = DATASET_IDS.some((id) => runtime.datasets[id].status === 'loading');
  if (runtime.mapReady && !loadingData) return null;
  return (
    <div class="loading-pill" role="status" aria-live="polite" data-testid="loading">
      <span class="spinner" aria-hidden="true" />
      {t(language, runtime.mapReady ? 'status.loadingData' : 'map.loading')}
    </div>
  );
}
