/**
 * Says when the server cannot be reached (from the health poll) or a dataset failed to load, with a
 * way to retry. Announced to screen readers as an alert.
 */
import { HEALTH_POLL_SECONDS } from '../data/health-monitor.js';
import { DATASET_IDS } from '../data/reference-features.js';
import { LOCALES, t } from '../i18n.js';
import type { Language } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';

export interface ServerBannerProps {
  language: Language;
  runtime: RuntimeState;
  onRetry: () => void;
}

export function ServerBanner({ language, runtime, onRetry }: ServerBannerProps) {
  const failed = DATASET_IDS.flatMap((id) => {
    const dataset = runtime.datasets[id];
    return dataset.status === 'error' ? [{ id, message: dataset.message }] : [];
  });
  if (runtime.health !== 'unreachable' && failed.length === 0) return null;
  return (
    <div class="banner banner--error" role="alert" data-testid="server-banner">
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" class="banner-icon">
        <path
          d="M12 3 L22 20 H2 Z"
          fill="none"
          stroke="currentColor"
          stroke-width="2"
          stroke-linejoin="round"
        />
        <path d="M12 10 v4 M12 16.5 v.5" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
      </svg>
      <div class="banner-text">
        {runtime.health === 'unreachable' ? (
          <p>
            {t(language, 'banner.unreachable', { seconds: HEALTH_POLL_SECONDS })}{' '}
            {runtime.lastHealthyAt
              ? t(language, 'banner.lastOk', {
                  time: new Date(runtime.lastHealthyAt).toLocaleTimeString(LOCALES[language]),
                })
              : null}
          </p>
        ) : (
          failed.map(({ id, message }) => (
            <p key={id}>
              {t(language, 'status.loadFailed', { what: t(language, `dataset.${id}`), message })}
            </p>
          ))
        )}
      </div>
      <button type="button" class="button button--small" onClick={onRetry}>
        {t(language, runtime.health === 'unreachable' ? 'banner.retryNow' : 'status.retry')}
      </button>
    </div>
  );
}
