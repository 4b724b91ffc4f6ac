/** Top bar: product name, what the app puts there (alerts, sign-in), server status and the language switch. */
import type { ComponentChildren } from 'preact';
import { LANGUAGES, type AppState, type Language } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { t } from '../i18n.js';

export interface HeaderProps {
  app: Store<AppState>;
  language: Language;
  health: RuntimeState['health'];
  /** Controls shown before the server status (the alerts button, the sign-in control). */
  children?: ComponentChildren;
}

export function Header({ app, language, health, children }: HeaderProps) {
  const statusKey =
    health === 'ok'
      ? 'status.server.ok'
      : health === 'unreachable'
        ? 'status.server.unreachable'
        : 'status.server.unknown';
  return (
    <header class="app-header">
      <div class="brand">
        <svg class="brand-mark" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
          <path
            d="M12 2 L21 20 H3 Z"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linejoin="round"
          />
          <circle cx="12" cy="14" r="2.4" fill="currentColor" />
        </svg>
        <h1 class="brand-title">{t(language, 'app.title')}</h1>
        <span class="brand-tagline">{t(language, 'app.tagline')}</span>
      </div>
      <div class="header-tools">
        {children}
        <span class={`server-status server-status--${health}`} role="status" data-testid="server-status">
          <span class="server-status-dot" aria-hidden="true" />
          {t(language, statusKey)}
        </span>
        <div class="lang-switch" role="group" aria-label={t(language, 'header.language')}>
          {LANGUAGES.map((lang) => (
            <button
              key={lang}
              type="button"
              class="lang-button"
              lang={lang}
              aria-pressed={lang === language}
              title={t(language, `header.languageName.${lang}`)}
              data-testid={`lang-${lang}`}
              onClick={() => app.set({ language: lang })}
            >
              {lang.toUpperCase()}
            </button>
          ))}
        </div>
      </div>
    </header>
  );
}
