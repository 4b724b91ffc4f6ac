import { describe, expect, it } from 'vitest';
import { atomFeed, capFeedEntry } from '../../server/alerts/atom-feed.js';
import { capDocument, capSummary, type AlertForCap } from '../../server/alerts/cap-document.js';
import { capIdentifier } from '../../server/alerts/cap-message-sequence.js';
import { validateCap, wellFormed, xpathAll, xpathString } from './xmllint.js';

const T0 = Date.UTC(2025, 2, 1, 12, 0, 0);
const MIN = 60_000;
const BASE = 'https://atalaya.example.org';

function createAlert(id: number, sent: number, overrides: Partial<AlertForCap> = {}): AlertForCap {
  return {
    id,
    version: 1,
    sender: 'atalaya@atalaya.example.org',
    sent,
    status: 'Actual',
    msgType: 'Alert',
    references: [],
    rule: { name: `Regla ${id}`, kind: 'incident_surge' },
    scopeKey: 'region:quito',
    state: 'firing',
    severity: 'watch',
    startedAt: sent - MIN,
    firingAt: sent,
    resolvedAt: null,
    evidence: { count: 12, windowSeconds: 1800, countAbove: 8 },
    area: {
      description: 'Distrito Metropolitano de Quito',
      geometry: { type: 'Circle', center: [-78.5, -0.2], radiusKm: 20 },
    },
    ...overrides,
  };
}

const url = (a: AlertForCap) => `${BASE}/api/cap/alerts/${a.id}.xml`;
const entry = (a: AlertForCap) => capFeedEntry(capSummary(a), url(a));
const feedOptions = { selfUrl: `${BASE}/api/cap/alerts.atom`, emptyUpdatedAt: T0 - 60 * MIN };
const atom = (name: string) => `/*[local-name()='feed']/*[local-name()='${name}']`;

describe('atomFeed', () => {
  const a1 = createAlert(1, T0);
  const a2 = createAlert(2, T0 + 20 * MIN, {
    severity: 'warning',
    rule: { name: 'Guayaquil & "Durán" <sur>', kind: 'incident_surge' },
  });
  const a3v1 = createAlert(3, T0 + 5 * MIN);
  const a3v2 = createAlert(3, T0 + 40 * MIN, {
    version: 2,
    msgType: 'Cancel',
    state: 'resolved',
    resolvedAt: T0 + 40 * MIN,
    references: [{ sender: a3v1.sender, identifier: capIdentifier(3, 1), sent: a3v1.sent }],
  });
  // The feed lists the latest message of each alert, given here out of order.
  const xml = atomFeed([entry(a1), entry(a3v2), entry(a2)], feedOptions);

  it('is well-formed XML', () => {
    const r = wellFormed(xml);
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  });

  it('lists entries newest first, each updated at its message’s sent time', () => {
    expect(xpathAll(xml, `${atom('entry')}/*[local-name()='updated']`)).toEqual([
      '2025-03-01T07:40:00-05:00',
      '2025-03-01T07:20:00-05:00',
      '2025-03-01T07:00:00-05:00',
    ]);
    expect(xpathString(xml, atom('updated'))).toBe('2025-03-01T07:40:00-05:00');
    expect(xpathAll(xml, `${atom('entry')}/*[local-name()='identifier']`)).toEqual([
      'atalaya-alert-3-v2',
      'atalaya-alert-2-v1',
      'atalaya-alert-1-v1',
    ]);
  });

  it('links every entry to its CAP XML as application/cap+xml, and those documents are valid CAP', () => {
    expect(
      xpathAll(
        xml,
        `${atom('entry')}/*[local-name()='link'][@rel='alternate'][@type='application/cap+xml']/@href`,
      ),
    ).toEqual([
      `${BASE}/api/cap/alerts/3.xml`,
      `${BASE}/api/cap/alerts/2.xml`,
      `${BASE}/api/cap/alerts/1.xml`,
    ]);
    for (const a of [a1, a2, a3v2]) expect(validateCap(capDocument(a)).ok).toBe(true);
  });

  it('has the feed-level elements Atom requires (id, title, updated, author) and a self link', () => {
    expect(xpathString(xml, atom('id'))).toBe(`${BASE}/api/cap/alerts.atom`);
    expect(xpathString(xml, atom('title'))).not.toBe('');
    expect(xpathString(xml, `${atom('author')}/*[local-name()='name']`)).toBe('Atalaya');
    expect(xpathString(xml, `${atom('link')}[@rel='self']/@href`)).toBe(`${BASE}/api/cap/alerts.atom`);
    expect(xpathAll(xml, `${atom('entry')}/*[local-name()='id']`)).toHaveLength(3);
  });

  it('escapes headlines so a parser reads them back', () => {
    expect(xpathString(xml, `${atom('entry')}[2]/*[local-name()='title']`)).toBe(
      'Aviso: Aumento inusual de emergencias — Guayaquil & "Durán" <sur>',
    );
  });

  it('carries the CAP fields a reader filters on', () => {
    expect(xpathAll(xml, `${atom('entry')}/*[local-name()='msgType']`)).toEqual(['Cancel', 'Alert', 'Alert']);
    expect(xpathAll(xml, `${atom('entry')}/*[local-name()='severity']`)).toEqual([
      'Moderate',
      'Severe',
      'Moderate',
    ]);
  });

  it('an empty feed is still valid, updated at the time given', () => {
    const empty = atomFeed([], feedOptions);
    expect(wellFormed(empty).ok).toBe(true);
    expect(xpathString(empty, atom('updated'))).toBe('2025-03-01T06:00:00-05:00');
    expect(xpathAll(empty, atom('entry'))).toEqual([]);
  });

  it('keeps the newest `limit` entries', () => {
    const two = atomFeed([entry(a1), entry(a2), entry(a3v1)], { ...feedOptions, limit: 2 });
    expect(xpathAll(two, `${atom('entry')}/*[local-name()='identifier']`)).toEqual([
      'atalaya-alert-2-v1',
      'atalaya-alert-3-v1',
    ]);
  });

  it('refuses relative URLs', () => {
    expect(() => atomFeed([{ ...entry(a1), url: '/api/cap/alerts/1.xml' }], feedOptions)).toThrow(
      /"\/api\/cap\/alerts\/1.xml"/,
    );
  });
});
