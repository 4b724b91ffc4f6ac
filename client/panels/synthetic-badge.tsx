/** The label every piece of synthetic (demo or simulated) data carries wherever it is shown. */
import { t } from '../i18n.js';
import type { Language } from '../state/app-state.js';

export function SyntheticBadge({ language }: { language: Language }) {
  return (
    <span class="synthetic-badge" title={t(language, 'synthetic.title')} data-testid="synthetic-badge">
      {t(language, 'synthetic.badge')}
    </span>
  );
}
