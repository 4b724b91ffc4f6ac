/**
 * Alert severities (server/domain/types.ts) and their colours. Volcanic levels follow the
 * white–yellow–orange–red convention of IG-EPN's volcanic alert system; the incident levels are
 * advisory–watch–warning. Lines and bands also carry their names, so colour is never the only cue.
 */
export const SEVERITIES = ['white', 'yellow', 'orange', 'red', 'advisory', 'watch', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_COLORS: Readonly<Record<Severity, string>> = {
  white: '#E8EDF2',
  yellow: '#F0E442',
  orange: '#E69F00',
  red: '#D55E00',
  advisory: '#56B4E9',
  watch: '#E69F00',
  warning: '#D55E00',
};
