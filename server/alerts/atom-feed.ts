/**
 * The CAP feed: an Atom 1.0 document (RFC 4287) whose entries each point at one CAP message, the way
 * CAP-over-Atom feeds are commonly published (national weather services, the alert hubs that aggregate
 * them): an entry's `<link rel="alternate" type="application/cap+xml">` is the CAP XML, its `<updated>`
 * the message's `sent`, and a few CAP fields are repeated as `cap:` extension elements so a reader can
 * filter without fetching every document.
 */
import type { CapCategory, CapCertainty, CapSeverity, CapUrgency } from './cap-grading.js';
import type { CapMsgType } from './cap-message-sequence.js';
import { CAP_MEDIA_TYPE, CAP_NAMESPACE, type CapStatus, type CapSummary } from './cap-document.js';
import { capDateTime, ECUADOR_UTC_OFFSET_MINUTES, escapeXml } from './cap-xml.js';

export const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom';
export const ATOM_MEDIA_TYPE = 'application/atom+xml';

/** One entry: a CAP message's summary (see capSummary) and where its XML is served. */
export interface CapFeedEntry {
  identifier: string;
  sender: string;
  /** Epoch ms; the entry's `<updated>`. */
  sent: number;
  status: CapStatus;
  msgType: CapMsgType;
  event: string;
  headline: string;
  description: string;
  categories: readonly CapCategory[];
  urgency: CapUrgency;
  severity: CapSeverity;
  certainty: CapCertainty;
  areaDesc: string;
  expires: number | null;
  /** Absolute URL of the CAP document, e.g. `https://host/api/cap/alerts/42.xml`. */
  url: string;
  /** The Atom entry id; the URL when absent (one entry per URL: a newer message replaces the older). */
  entryId?: string;
}

export interface AtomFeedOptions {
  /** Absolute URL the feed is served at (`rel="self"`); also its id unless `id` is given. */
  selfUrl: string;
  id?: string;
  title?: string;
  subtitle?: string;
  /** Feed-level author, required by Atom when entries have none. */
  authorName?: string;
  /** Dashboard URL (`rel="alternate"`). */
  alternateUrl?: string;
  /** The feed's `<updated>` when it has no entries, epoch ms (passed in: nothing here reads a clock). */
  emptyUpdatedAt: number;
  /** Offset the times are written in, minutes east of UTC; −300 by default. */
  utcOffsetMinutes?: number;
  /** At most this many entries, newest first; all by default. */
  limit?: number;
}

/**
 * The Atom feed XML: entries newest first (by `sent`, ties by identifier descending with numbers compared as
 * numbers, so v10 comes before v9 sent in the same second), feed `<updated>` = the newest entry's.
 * @example atomFeed([{ ...capSummary(alert), url: 'https://host/api/cap/alerts/42.xml' }], { selfUrl: 'https://host/api/cap/alerts.atom', emptyUpdatedAt: now })
 */
export function atomFeed(entries: readonly CapFeedEntry[], options: AtomFeedOptions): string {
  const offset = options.utcOffsetMinutes ?? ECUADOR_UTC_OFFSET_MINUTES;
  for (const e of entries) {
    if (!URL.canParse(e.url))
      throw new RangeError(
        `CAP feed entry ${e.identifier}: url must be absolute, got ${JSON.stringify(e.url)}`,
      );
    if (!Number.isFinite(e.sent))
      throw new RangeError(`CAP feed entry ${e.identifier}: sent must be finite epoch ms, got ${e.sent}`);
  }
  if (!URL.canParse(options.selfUrl))
    throw new RangeError(`feed selfUrl must be absolute, got ${JSON.stringify(options.selfUrl)}`);
  const sorted = [...entries].sort(newestFirst);
  const shown = options.limit === undefined ? sorted : sorted.slice(0, Math.max(0, options.limit));
  const updated = shown[0]?.sent ?? options.emptyUpdatedAt;

  const x: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns="${ATOM_NAMESPACE}" xmlns:cap="${CAP_NAMESPACE}" xml:lang="es-EC">`,
    `  <id>${escapeXml(options.id ?? options.selfUrl)}</id>`,
    `  <title>${escapeXml(options.title ?? 'Atalaya — alertas CAP')}</title>`,
  ];
  if (options.subtitle) x.push(`  <subtitle>${escapeXml(options.subtitle)}</subtitle>`);
  x.push(
    `  <updated>${capDateTime(updated, offset)}</updated>`,
    `  <author><name>${escapeXml(options.authorName ?? 'Atalaya')}</name></author>`,
    `  <link rel="self" type="${ATOM_MEDIA_TYPE}" href="${escapeXml(options.selfUrl)}"/>`,
  );
  if (options.alternateUrl)
    x.push(`  <link rel="alternate" type="text/html" href="${escapeXml(options.alternateUrl)}"/>`);
  x.push('  <generator>Atalaya</generator>');
  for (const e of shown) writeEntry(x, e, offset);
  x.push('</feed>', '');
  return x.join('\n');
}

/** A feed entry from a message summary and the URL its XML is served at. */
export function capFeedEntry(summary: CapSummary, url: string): CapFeedEntry {
  return { ...summary, url };
}

function writeEntry(x: string[], e: CapFeedEntry, offset: number): void {
  const t = (name: string, text: string) => x.push(`    <${name}>${escapeXml(text)}</${name}>`);
  x.push('  <entry>');
  t('id', e.entryId ?? e.url);
  t('title', e.headline);
  t('updated', capDateTime(e.sent, offset));
  t('published', capDateTime(e.sent, offset));
  x.push(`    <link rel="alternate" type="${CAP_MEDIA_TYPE}" href="${escapeXml(e.url)}"/>`);
  x.push(`    <summary type="text">${escapeXml(e.description)}</summary>`);
  for (const c of e.categories)
    x.push(`    <category term="${escapeXml(c)}" scheme="${CAP_NAMESPACE}#category"/>`);
  t('cap:identifier', e.identifier);
  t('cap:sender', e.sender);
  t('cap:sent', capDateTime(e.sent, offset));
  t('cap:status', e.status);
  t('cap:msgType', e.msgType);
  t('cap:event', e.event);
  t('cap:urgency', e.urgency);
  t('cap:severity', e.severity);
  t('cap:certainty', e.certainty);
  if (e.expires !== null) t('cap:expires', capDateTime(e.expires, offset));
  t('cap:areaDesc', e.areaDesc);
  x.push('  </entry>');
}

function newestFirst(a: CapFeedEntry, b: CapFeedEntry): number {
  if (a.sent !== b.sent) return b.sent - a.sent;
  return b.identifier.localeCompare(a.identifier, 'en', { numeric: true });
}
