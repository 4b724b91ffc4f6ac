/**
 * An alert's severity as the list shows it: its colour, its name and a bar gauge of its rank (one to
 * four bars), so it reads without colour vision and in greyscale.
 */
import { SEVERITY_COLORS, type Severity } from '../charts/severity.js';
import { severityRank } from '../data/alert-list.js';
import { t } from '../i18n.js';
import type { Language } from '../state/app-state.js';

export function SeverityBadge({ language, severity }: { language: Language; severity: Severity }) {
  const rank = severityRank(severity);
  return (
    <span
      class={`severity-badge severity-badge--rank${rank}`}
      style={{ '--severity': SEVERITY_COLORS[severity] }}
      data-severity={severity}
    >
      <span class="severity-gauge" aria-hidden="true">
        {[0, 1, 2, 3].map((i) => (
          <span key={i} class={`severity-bar${i <= rank ? ' severity-bar--on' : ''}`} />
        ))}
      </span>
      {t(language, `severity.${severity}`)}
    </span>
  );
}
