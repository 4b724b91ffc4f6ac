/**
 * How Atalaya's severities and rule kinds read in CAP 1.2: urgency, severity, certainty, responseType and
 * category (CAP 1.2 §3.2.2), and the event names and severity words in Spanish and English.
 *
 * Volcanic colours follow the meaning the SNGR/IG-EPN give them in Ecuador:
 *
 * | Atalaya  | meaning (SNGR)                                   | urgency   | severity | certainty | responseType |
 * |----------|--------------------------------------------------|-----------|----------|-----------|--------------|
 * | white    | volcano at its base level                        | Future    | Minor    | Unlikely  | Monitor      |
 * | yellow   | activity rising; eruption possible in weeks/months | Future  | Moderate | Possible  | Monitor      |
 * | orange   | marked rise; eruption likely in days/weeks       | Expected  | Severe   | Likely    | Prepare      |
 * | red      | eruption imminent (hours) or in progress         | Immediate | Extreme  | Observed  | Prepare      |
 *
 * The incident ladder follows the usual advisory/watch/warning sense (as the US NWS uses it in CAP):
 *
 * | Atalaya  | meaning                                          | urgency   | severity | certainty | responseType |
 * |----------|--------------------------------------------------|-----------|----------|-----------|--------------|
 * | advisory | unusual but not dangerous; be aware              | Expected  | Minor    | Likely    | Monitor      |
 * | watch    | conditions favour a serious situation            | Future    | Moderate | Possible  | Monitor      |
 * | warning  | a serious situation is happening                 | Immediate | Severe   | Observed  | Avoid        |
 *
 * Notes on the choices. Red never maps to `Evacuate`: an automatic rule on a thermal camera is evidence for
 * the authorities, and evacuation orders are the SNGR's to give. Operational rules (a camera not reporting,
 * lost coverage, a blind thermal camera) get `Assess` instead, which CAP reserves for messages to
 * responders rather than the public. A Cancel (the alert resolved) says urgency `Past` and `AllClear`.
 */
import type { Severity } from '../domain/types.js';
import type { RuleKind } from '../rules/rule-schema.js';

export const CAP_URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const CAP_SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const CAP_CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;
export const CAP_RESPONSE_TYPES = [
  'Shelter',
  'Evacuate',
  'Prepare',
  'Execute',
  'Avoid',
  'Monitor',
  'Assess',
  'AllClear',
  'None',
] as const;
export const CAP_CATEGORIES = [
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
] as const;
export type CapUrgency = (typeof CAP_URGENCIES)[number];
export type CapSeverity = (typeof CAP_SEVERITIES)[number];
export type CapCertainty = (typeof CAP_CERTAINTIES)[number];
export type CapResponseType = (typeof CAP_RESPONSE_TYPES)[number];
export type CapCategory = (typeof CAP_CATEGORIES)[number];

export interface CapGrading {
  urgency: CapUrgency;
  severity: CapSeverity;
  certainty: CapCertainty;
  responseType: CapResponseType;
}

/** The tables above, as data. */
export const CAP_GRADING: Readonly<Record<Severity, Readonly<CapGrading>>> = {
  white: { urgency: 'Future', severity: 'Minor', certainty: 'Unlikely', responseType: 'Monitor' },
  yellow: { urgency: 'Future', severity: 'Moderate', certainty: 'Possible', responseType: 'Monitor' },
  orange: { urgency: 'Expected', severity: 'Severe', certainty: 'Likely', responseType: 'Prepare' },
  red: { urgency: 'Immediate', severity: 'Extreme', certainty: 'Observed', responseType: 'Prepare' },
  advisory: { urgency: 'Expected', severity: 'Minor', certainty: 'Likely', responseType: 'Monitor' },
  watch: { urgency: 'Future', severity: 'Moderate', certainty: 'Possible', responseType: 'Monitor' },
  warning: { urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', responseType: 'Avoid' },
};

/** Languages of the two `<info>` blocks: Spanish as spoken in Ecuador first, then English. */
export const CAP_LANGUAGES = ['es-EC', 'en-US'] as const;
export type CapLanguage = (typeof CAP_LANGUAGES)[number];

/** What the alert is about, which decides the category and the event name. */
export type CapTopic =
  | 'thermal_threshold'
  | 'thermal_rate'
  | 'thermal_anomaly'
  | 'thermal_obscured'
  | 'incident_surge'
  | 'stale_sensor'
  | 'coverage_loss';

/** Operational topics: the health of Atalaya's own sensors, not a hazard. */
const OPERATIONAL: ReadonlySet<CapTopic> = new Set(['thermal_obscured', 'stale_sensor', 'coverage_loss']);

/**
 * The topic of an alert: its rule kind, except that a thermal rule's blind-camera alert (scope key
 * `camera:<id>:obscured`, see server/rules/scope.ts) is about the camera, not the volcano.
 */
export function capTopic(kind: RuleKind, scopeKey: string): CapTopic {
  if (
    (kind === 'thermal_threshold' || kind === 'thermal_rate' || kind === 'thermal_anomaly') &&
    scopeKey.endsWith(':obscured')
  ) {
    return 'thermal_obscured';
  }
  return kind;
}

/** Urgency, severity, certainty and response for an alert; a Cancel is urgency Past, AllClear. */
export function capGrading(severity: Severity, topic: CapTopic, cancelled: boolean): CapGrading {
  const g = CAP_GRADING[severity];
  if (!g) throw new RangeError(`no CAP grading for severity ${JSON.stringify(severity)}`);
  if (cancelled) return { ...g, urgency: 'Past', responseType: 'AllClear' };
  return OPERATIONAL.has(topic) ? { ...g, responseType: 'Assess' } : g;
}

const INCIDENT_CATEGORY_TO_CAP: Readonly<Record<string, CapCategory>> = {
  traffic: 'Transport',
  medical: 'Health',
  fire: 'Fire',
  security: 'Security',
  natural_hazard: 'Safety',
  other: 'Safety',
};

/**
 * CAP categories: Geo for volcanic thermal alerts, Infra for Atalaya's own sensors, and for an incident
 * surge the categories of the incidents it counts (`evidence.categories`: traffic → Transport, medical →
 * Health, fire → Fire, security → Security, natural hazard and other → Safety) plus Rescue, ECU 911's
 * response; a surge of every category is Safety and Rescue.
 */
export function capCategories(topic: CapTopic, incidentCategories?: readonly string[] | null): CapCategory[] {
  switch (topic) {
    case 'thermal_threshold':
    case 'thermal_rate':
    case 'thermal_anomaly':
      return ['Geo'];
    case 'thermal_obscured':
    case 'stale_sensor':
    case 'coverage_loss':
      return ['Infra'];
    case 'incident_surge': {
      const out = new Set<CapCategory>();
      for (const c of incidentCategories ?? []) out.add(INCIDENT_CATEGORY_TO_CAP[c] ?? 'Other');
      if (out.size === 0) out.add('Safety');
      out.add('Rescue');
      return [...out];
    }
  }
}

const EVENTS: Readonly<Record<CapTopic, Readonly<Record<CapLanguage, string>>>> = {
  thermal_threshold: { 'es-EC': 'Temperatura alta en volcán', 'en-US': 'High volcanic temperature' },
  thermal_rate: {
    'es-EC': 'Aumento rápido de temperatura en volcán',
    'en-US': 'Rapid volcanic temperature rise',
  },
  thermal_anomaly: { 'es-EC': 'Anomalía térmica volcánica', 'en-US': 'Volcanic thermal anomaly' },
  thermal_obscured: { 'es-EC': 'Cámara térmica sin visibilidad', 'en-US': 'Thermal camera obscured' },
  incident_surge: { 'es-EC': 'Aumento inusual de emergencias', 'en-US': 'Unusual surge of emergencies' },
  stale_sensor: { 'es-EC': 'Cámara sin reportar datos', 'en-US': 'Camera not reporting' },
  coverage_loss: { 'es-EC': 'Pérdida de cobertura de cámaras', 'en-US': 'Camera coverage loss' },
};

/** The CAP `<event>` text: what kind of event, in the block's language. */
export function capEventName(topic: CapTopic, language: CapLanguage): string {
  return EVENTS[topic][language];
}

// Spanish words for the incident ladder as the US NWS writes them in Spanish (advertencia, vigilancia, aviso).
const SEVERITY_WORDS: Readonly<Record<Severity, Readonly<Record<CapLanguage, string>>>> = {
  white: { 'es-EC': 'Alerta blanca', 'en-US': 'White alert' },
  yellow: { 'es-EC': 'Alerta amarilla', 'en-US': 'Yellow alert' },
  orange: { 'es-EC': 'Alerta naranja', 'en-US': 'Orange alert' },
  red: { 'es-EC': 'Alerta roja', 'en-US': 'Red alert' },
  advisory: { 'es-EC': 'Advertencia', 'en-US': 'Advisory' },
  watch: { 'es-EC': 'Vigilancia', 'en-US': 'Watch' },
  warning: { 'es-EC': 'Aviso', 'en-US': 'Warning' },
};

/** The severity as a word people read in a headline. */
export function severityWord(severity: Severity, language: CapLanguage): string {
  return SEVERITY_WORDS[severity][language];
}
