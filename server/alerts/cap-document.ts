/**
 * One CAP 1.2 message (OASIS, urn:oasis:names:tc:emergency:cap:1.2) for one alert, as an XML string.
 * Pure: the caller passes every fact, times included; the grading and wording are in cap-grading.ts, the
 * identifiers and references in cap-message-sequence.ts, the geometry in cap-area.ts.
 *
 * Each message carries two `<info>` blocks, Spanish (es-EC) then English (en-US), each complete on its
 * own (CAP consumers pick one block by language, so both repeat the area and parameters).
 */
import type { Severity } from '../domain/types.js';
import type { AlertPhase, Evidence } from '../rules/rule-engine.js';
import type { RuleKind } from '../rules/rule-schema.js';
import { capAreaShapes, type CapGeometry } from './cap-area.js';
import {
  CAP_LANGUAGES,
  capCategories,
  capEventName,
  capGrading,
  capTopic,
  severityWord,
  type CapCategory,
  type CapCertainty,
  type CapLanguage,
  type CapSeverity,
  type CapTopic,
  type CapUrgency,
} from './cap-grading.js';
import {
  assertCapToken,
  capIdentifier,
  capReferencesText,
  type CapMsgType,
  type CapReference,
} from './cap-message-sequence.js';
import { capDateTime, ECUADOR_UTC_OFFSET_MINUTES, escapeXml, humanTime } from './cap-xml.js';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
/** The media type of a CAP document (IANA registration, RFC 3023 style). */
export const CAP_MEDIA_TYPE = 'application/cap+xml';

export const CAP_STATUSES = ['Actual', 'Exercise', 'Test'] as const;
export type CapStatus = (typeof CAP_STATUSES)[number];
export type CapScope = 'Public' | 'Restricted' | 'Private';

/** A geocode in an area, e.g. `{ valueName: 'INEC-DPA', value: '05' }` for Cotopaxi province. */
export interface CapGeocode {
  valueName: string;
  value: string;
}

/** Everything one CAP message says about one alert. Times are epoch milliseconds. */
export interface AlertForCap {
  /** The `alerts.id`. */
  id: string | number;
  /** Which message of this alert: 1 for the Alert, then 2, 3… (identifier `atalaya-alert-<id>-v<version>`). */
  version: number;
  /** e.g. `atalaya@atalaya.ecu911.gob.ec` (see capSender). */
  sender: string;
  /** When this message is published, epoch ms. */
  sent: number;
  /** Actual for real alerts; Exercise or Test for synthetic/demo data. */
  status: CapStatus;
  msgType: CapMsgType;
  /** The earlier messages of this alert; required (non-empty) for Update and Cancel. */
  references: readonly CapReference[];
  rule: { name: string; kind: RuleKind; labels?: Readonly<Record<string, string>> };
  scopeKey: string;
  state: AlertPhase;
  severity: Severity;
  startedAt: number | null;
  firingAt: number | null;
  resolvedAt: number | null;
  /** The evaluated value at the latest transition (°C, °C/h, a count, a percentage…). */
  value?: number | null;
  evidence: Evidence;
  area: {
    /** Where, in words, e.g. "Volcán Cotopaxi (cámara CTX-T1), provincia de Cotopaxi". */
    description: string;
    /** Null when the alert has no geometry: the area then has only its description and geocodes. */
    geometry: CapGeometry | null;
    geocodes?: readonly CapGeocode[];
  };
  /** When consumers should stop showing it, epoch ms; absent = no expiry stated. */
  expires?: number | null;
  /** The alert's page in the dashboard (absolute URL). */
  web?: string;
  /** Free text for `<note>`; Exercise and Test messages get a default one. */
  note?: string;
}

export interface CapDocumentOptions {
  /** Offset the times are written in, minutes east of UTC; −300 (Ecuador mainland) by default. */
  utcOffsetMinutes?: number;
  /** `<senderName>`, e.g. "ECU 911 — Atalaya". */
  senderName?: string;
  /** `<contact>`, e.g. an operations desk's phone or e-mail. */
  contact?: string;
  /** Public by default; Restricted needs `restriction` (who may see it). */
  scope?: CapScope;
  restriction?: string;
}

/** What a feed or a listing needs to know of a message without parsing its XML (Spanish texts). */
export interface CapSummary {
  alertId: string;
  identifier: string;
  sender: string;
  /** Epoch ms, whole seconds. */
  sent: number;
  status: CapStatus;
  msgType: CapMsgType;
  event: string;
  headline: string;
  description: string;
  categories: CapCategory[];
  urgency: CapUrgency;
  severity: CapSeverity;
  certainty: CapCertainty;
  areaDesc: string;
  expires: number | null;
}

const HEADLINE_MAX = 160; // CAP 1.2 §3.2.2: headline SHOULD be under 160 characters (text messaging).
const PARAMETER_MAX = 1000; // evidence values longer than this (long reading lists) are left to the web page

/**
 * The CAP 1.2 XML document for one message of one alert.
 * @throws RangeError naming the bad value when an identifier, sender, reference, time or geometry cannot be
 *   written as valid CAP, or an Update/Cancel has no references.
 * @example capDocument({ id: 7, version: 1, sender: 'atalaya@example.org', sent, status: 'Actual', msgType: 'Alert', references: [], ... })
 */
export function capDocument(alert: AlertForCap, options: CapDocumentOptions = {}): string {
  const offset = options.utcOffsetMinutes ?? ECUADOR_UTC_OFFSET_MINUTES;
  const s = capSummary(alert, options);
  const scope = options.scope ?? 'Public';
  if (scope === 'Restricted' && !options.restriction)
    throw new RangeError('CAP scope Restricted needs a restriction text');
  const note = alert.note ?? (alert.status === 'Actual' ? undefined : DEFAULT_NOTES[alert.status]);

  const x: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', `<alert xmlns="${CAP_NAMESPACE}">`];
  el(x, 1, 'identifier', s.identifier);
  el(x, 1, 'sender', s.sender);
  el(x, 1, 'sent', capDateTime(s.sent, offset));
  el(x, 1, 'status', s.status);
  el(x, 1, 'msgType', s.msgType);
  el(x, 1, 'scope', scope);
  if (scope === 'Restricted') el(x, 1, 'restriction', options.restriction!);
  if (note !== undefined) el(x, 1, 'note', note);
  if (alert.references.length > 0) el(x, 1, 'references', capReferencesText(alert.references, offset));
  // Every message of one alert names the same incident, so consumers can group them.
  el(x, 1, 'incidents', `atalaya-alert-${s.alertId}`);
  for (const language of CAP_LANGUAGES) writeInfo(x, alert, language, offset, options);
  x.push('</alert>', '');
  return x.join('\n');
}

/**
 * The message's key facts (Spanish wording), the same ones capDocument writes.
 * @throws RangeError as capDocument
 */
export function capSummary(
  alert: AlertForCap,
  options: Pick<CapDocumentOptions, 'utcOffsetMinutes'> = {},
): CapSummary {
  checkAlert(alert);
  const topic = capTopic(alert.rule.kind, alert.scopeKey);
  const g = capGrading(alert.severity, topic, alert.msgType === 'Cancel');
  const offset = options.utcOffsetMinutes ?? ECUADOR_UTC_OFFSET_MINUTES;
  return {
    alertId: String(alert.id),
    identifier: capIdentifier(alert.id, alert.version),
    sender: alert.sender,
    sent: Math.floor(alert.sent / 1000) * 1000,
    status: alert.status,
    msgType: alert.msgType,
    event: capEventName(topic, 'es-EC'),
    headline: headline(alert, topic, 'es-EC'),
    description: description(alert, topic, 'es-EC', offset),
    categories: capCategories(topic, stringList(alert.evidence['categories'])),
    urgency: g.urgency,
    severity: g.severity,
    certainty: g.certainty,
    areaDesc: alert.area.description,
    expires: alert.expires ?? null,
  };
}

const DEFAULT_NOTES: Readonly<Record<Exclude<CapStatus, 'Actual'>, string>> = {
  Exercise:
    'Ejercicio: datos sintéticos, no es una alerta real. / Exercise: synthetic data, not a real alert.',
  Test: 'Prueba técnica: ignorar. / Technical test: ignore.',
};

function checkAlert(alert: AlertForCap): void {
  assertCapToken(alert.sender, 'sender');
  if (!Number.isFinite(alert.sent))
    throw new RangeError(`CAP sent must be finite epoch milliseconds, got ${alert.sent}`);
  if (!(CAP_STATUSES as readonly string[]).includes(alert.status))
    throw new RangeError(`CAP status must be Actual, Exercise or Test, got ${JSON.stringify(alert.status)}`);
  if (alert.msgType !== 'Alert' && alert.references.length === 0) {
    throw new RangeError(
      `a CAP ${alert.msgType} must reference the earlier message(s) of alert ${alert.id}, got none`,
    );
  }
  if (alert.area.description.trim() === '')
    throw new RangeError(`CAP areaDesc is required, alert ${alert.id} has an empty area description`);
  if (alert.web !== undefined && !URL.canParse(alert.web))
    throw new RangeError(`CAP web must be an absolute URL, got ${JSON.stringify(alert.web)}`);
}

function writeInfo(
  x: string[],
  alert: AlertForCap,
  language: CapLanguage,
  offset: number,
  options: CapDocumentOptions,
): void {
  const topic = capTopic(alert.rule.kind, alert.scopeKey);
  const g = capGrading(alert.severity, topic, alert.msgType === 'Cancel');
  x.push('  <info>');
  el(x, 2, 'language', language);
  for (const c of capCategories(topic, stringList(alert.evidence['categories']))) el(x, 2, 'category', c);
  el(x, 2, 'event', capEventName(topic, language));
  el(x, 2, 'responseType', g.responseType);
  el(x, 2, 'urgency', g.urgency);
  el(x, 2, 'severity', g.severity);
  el(x, 2, 'certainty', g.certainty);
  pair(x, 2, 'eventCode', 'atalaya:ruleKind', alert.rule.kind);
  const onset = alert.firingAt ?? alert.startedAt;
  if (onset !== null && Number.isFinite(onset)) el(x, 2, 'onset', capDateTime(onset, offset));
  if (alert.expires !== undefined && alert.expires !== null)
    el(x, 2, 'expires', capDateTime(alert.expires, offset));
  if (options.senderName) el(x, 2, 'senderName', options.senderName);
  el(x, 2, 'headline', headline(alert, topic, language));
  el(x, 2, 'description', description(alert, topic, language, offset));
  const instruction = INSTRUCTIONS[alert.msgType === 'Cancel' ? 'cancel' : topic]?.[language];
  if (instruction) el(x, 2, 'instruction', instruction);
  if (alert.web !== undefined) el(x, 2, 'web', alert.web);
  if (options.contact) el(x, 2, 'contact', options.contact);
  for (const [name, value] of parameters(alert, offset)) pair(x, 2, 'parameter', name, value);
  writeArea(x, alert.area);
  x.push('  </info>');
}

function writeArea(x: string[], area: AlertForCap['area']): void {
  x.push('    <area>');
  el(x, 3, 'areaDesc', area.description);
  if (area.geometry) {
    const shapes = capAreaShapes(area.geometry);
    for (const p of shapes.polygons) el(x, 3, 'polygon', p);
    for (const c of shapes.circles) el(x, 3, 'circle', c);
  }
  for (const g of area.geocodes ?? []) pair(x, 3, 'geocode', g.valueName, g.value);
  x.push('    </area>');
}

function headline(alert: AlertForCap, topic: CapTopic, language: CapLanguage): string {
  const prefix =
    alert.msgType === 'Cancel'
      ? PREFIX.cancel[language]
      : alert.msgType === 'Update'
        ? PREFIX.update[language]
        : '';
  const text = `${prefix}${severityWord(alert.severity, language)}: ${capEventName(topic, language)} — ${alert.rule.name}`;
  const chars = Array.from(text);
  return chars.length <= HEADLINE_MAX ? text : `${chars.slice(0, HEADLINE_MAX - 1).join('')}…`;
}

const PREFIX = {
  cancel: { 'es-EC': 'Finalizada — ', 'en-US': 'Ended — ' },
  update: { 'es-EC': 'Actualización — ', 'en-US': 'Update — ' },
} as const;

const INSTRUCTIONS: Partial<Record<CapTopic | 'cancel', Readonly<Record<CapLanguage, string>>>> = {
  thermal_threshold: volcanic(),
  thermal_rate: volcanic(),
  thermal_anomaly: volcanic(),
  cancel: {
    'es-EC': 'La condición que originó esta alerta terminó.',
    'en-US': 'The condition that raised this alert is over.',
  },
};

function volcanic(): Readonly<Record<CapLanguage, string>> {
  return {
    'es-EC': 'Manténgase informado y siga únicamente las indicaciones oficiales de la SNGR y del IG-EPN.',
    'en-US': 'Stay informed and follow only the official instructions of the SNGR and the IG-EPN.',
  };
}

/** What was seen, in a sentence or two, from the evidence the rule recorded (fields per rule kind). */
function description(alert: AlertForCap, topic: CapTopic, language: CapLanguage, offset: number): string {
  const es = language === 'es-EC';
  const ev = alert.evidence;
  const n = (v: number | null) =>
    v === null ? '?' : new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(v);
  const value = finite(ev['value']) ?? finite(alert.value);
  const camera = str(ev['cameraId']);
  const parts: string[] = [];
  switch (topic) {
    case 'thermal_threshold':
    case 'thermal_rate':
    case 'thermal_anomaly': {
      const unit = str(ev['unit']) ?? (topic === 'thermal_rate' ? '°C/h' : '°C');
      const where = camera ? (es ? ` en la cámara ${camera}` : ` at camera ${camera}`) : '';
      parts.push(
        es ? `Valor medido: ${n(value)} ${unit}${where}.` : `Measured value: ${n(value)} ${unit}${where}.`,
      );
      break;
    }
    case 'thermal_obscured':
      parts.push(
        es
          ? `La cámara térmica ${camera ?? '?'} no tiene visibilidad (nubes, niebla o imagen inválida).`
          : `Thermal camera ${camera ?? '?'} cannot see (cloud, fog or invalid frames).`,
      );
      break;
    case 'incident_surge': {
      const windowMin = finite(ev['windowSeconds']);
      const count = finite(ev['count']) ?? value;
      const above = finite(ev['countAbove']);
      const win =
        windowMin === null ? '' : es ? ` en ${n(windowMin / 60)} min` : ` in ${n(windowMin / 60)} min`;
      const thr =
        above === null ? '' : es ? ` (umbral: más de ${n(above)})` : ` (threshold: more than ${n(above)})`;
      parts.push(es ? `${n(count)} emergencias${win}${thr}.` : `${n(count)} emergencies${win}${thr}.`);
      break;
    }
    case 'stale_sensor': {
      const last = isoMs(ev['lastSeenAt']);
      const since =
        last === null
          ? es
            ? 'nunca ha reportado'
            : 'has never reported'
          : es
            ? `no reporta desde ${humanTime(last, offset)}`
            : `has not reported since ${humanTime(last, offset)}`;
      parts.push(es ? `La cámara ${camera ?? '?'} ${since}.` : `Camera ${camera ?? '?'} ${since}.`);
      break;
    }
    case 'coverage_loss': {
      const pct = finite(ev['coveragePercent']) ?? value;
      const thr = finite(ev['thresholdPercent']);
      const t = thr === null ? '' : es ? ` (umbral ${n(thr)} %)` : ` (threshold ${n(thr)} %)`;
      parts.push(es ? `Cobertura de cámaras: ${n(pct)} %${t}.` : `Camera coverage: ${n(pct)} %${t}.`);
      break;
    }
  }
  parts.push(es ? `Regla: ${alert.rule.name}.` : `Rule: ${alert.rule.name}.`);
  if (alert.firingAt !== null)
    parts.push(
      es
        ? `Activa desde ${humanTime(alert.firingAt, offset)}.`
        : `Active since ${humanTime(alert.firingAt, offset)}.`,
    );
  if (alert.msgType === 'Cancel' && alert.resolvedAt !== null) {
    parts.push(
      es
        ? `Finalizó el ${humanTime(alert.resolvedAt, offset)}.`
        : `Ended ${humanTime(alert.resolvedAt, offset)}.`,
    );
  }
  return parts.join(' ');
}

/** `<parameter>` name/value pairs: the alert's identity and state, the rule's labels, then the evidence. */
function parameters(alert: AlertForCap, offset: number): [string, string][] {
  const out: [string, string][] = [
    ['atalaya:alertId', String(alert.id)],
    ['atalaya:rule', alert.rule.name],
    ['atalaya:scopeKey', alert.scopeKey],
    ['atalaya:state', alert.state],
    ['atalaya:severity', alert.severity],
  ];
  const times: [string, number | null][] = [
    ['atalaya:startedAt', alert.startedAt],
    ['atalaya:firingAt', alert.firingAt],
    ['atalaya:resolvedAt', alert.resolvedAt],
  ];
  for (const [name, t] of times)
    if (t !== null && Number.isFinite(t)) out.push([name, capDateTime(t, offset)]);
  const value = finite(alert.value);
  if (value !== null) out.push(['atalaya:value', String(value)]);
  for (const [k, v] of Object.entries(alert.rule.labels ?? {})) out.push([`atalaya:label:${k}`, v]);
  const omitted: string[] = [];
  for (const [k, v] of Object.entries(alert.evidence)) {
    if (v === null || v === undefined) continue;
    const text =
      typeof v === 'string'
        ? v
        : typeof v === 'number' || typeof v === 'boolean'
          ? String(v)
          : JSON.stringify(v);
    if (text.length > PARAMETER_MAX) omitted.push(k);
    else out.push([`atalaya:evidence:${k}`, text]);
  }
  if (omitted.length > 0) out.push(['atalaya:evidenceOmitted', omitted.join(' ')]);
  return out;
}

function el(x: string[], depth: number, name: string, text: string): void {
  x.push(`${'  '.repeat(depth)}<${name}>${escapeXml(text)}</${name}>`);
}

function pair(x: string[], depth: number, name: string, valueName: string, value: string): void {
  const pad = '  '.repeat(depth);
  x.push(
    `${pad}<${name}>`,
    `${pad}  <valueName>${escapeXml(valueName)}</valueName>`,
    `${pad}  <value>${escapeXml(value)}</value>`,
    `${pad}</${name}>`,
  );
}

function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function isoMs(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : null;
}

function stringList(v: unknown): string[] | null {
  return Array.isArray(v) ? v.filter((c): c is string => typeof c === 'string') : null;
}
