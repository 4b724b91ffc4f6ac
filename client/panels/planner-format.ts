/** Numbers as the planner shows them: shares in %, money in US dollars, in the page's language. */
import { formatNumber, LOCALES, t } from '../i18n.js';
import type { Language } from '../state/app-state.js';

/** '41,8 %' / '41.8 %'; '—' when there is no share (a zone without that demand). */
export function formatPct(language: Language, value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  // Fixed decimals, so the shares line up in the table's columns.
  const text = new Intl.NumberFormat(LOCALES[language], {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
  return t(language, 'planner.pct', { value: text });
}

/** A change in percentage points with its sign: '+2,4 pp', '−0,3 pp'. */
export function formatPoints(language: Language, value: number, digits = 1): string {
  const rounded = Number(value.toFixed(digits));
  const sign = rounded > 0 ? '+' : rounded < 0 ? '−' : '±';
  return t(language, 'planner.points', {
    value: `${sign}${formatNumber(language, Math.abs(rounded), digits)}`,
  });
}

/** 'US$ 3.500' / 'US$3,500': whole dollars. */
export function formatUsd(language: Language, value: number): string {
  return new Intl.NumberFormat(LOCALES[language], {
    style: 'currency',
    currency: 'USD',
    currencyDisplay: 'symbol',
    maximumFractionDigits: 0,
  }).format(value);
}
