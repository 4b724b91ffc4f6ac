import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../server/domain/types.js';
import { capAreaShapes, capPolygon } from '../../server/alerts/cap-area.js';
import { capDocument, capSummary, type AlertForCap } from '../../server/alerts/cap-document.js';
import {
  CAP_CATEGORIES,
  CAP_CERTAINTIES,
  CAP_GRADING,
  CAP_RESPONSE_TYPES,
  CAP_SEVERITIES,
  CAP_URGENCIES,
  capCategories,
} from '../../server/alerts/cap-grading.js';
import {
  capIdentifier,
  capMessageTypeFor,
  capSender,
  type CapReference,
} from '../../server/alerts/cap-message-sequence.js';
import { cap, CAP_XSD, FIXTURES, validateCap, xpathAll, xpathString } from './xmllint.js';

const SENDER = capSender('atalaya.example.org');
// 2025-03-01 12:00:00 UTC = 07:00:00 in Ecuador (UTC−05:00, no daylight saving).
const T0 = Date.UTC(2025, 2, 1, 12, 0, 0);
const MIN = 60_000;

/** A square around Latacunga: lon −78.9…−78.3, lat −1.2…−0.5. */
const SQUARE = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [-78.9, -0.5],
      [-78.3, -0.5],
      [-78.3, -1.2],
      [-78.9, -1.2],
      [-78.9, -0.5],
    ],
  ],
};

function createAlert(overrides: Partial<AlertForCap> = {}): AlertForCap {
  return {
    id: 7,
    version: 1,
    sender: SENDER,
    sent: T0,
    status: 'Actual',
    msgType: 'Alert',
    references: [],
    rule: { name: 'Cotopaxi cráter norte', kind: 'thermal_threshold', labels: { team: 'ig-epn' } },
    scopeKey: 'camera:CTX-T1',
    state: 'firing',
    severity: 'orange',
    startedAt: T0 - 10 * MIN,
    firingAt: T0 - 5 * MIN,
    resolvedAt: null,
    value: 92.4,
    evidence: {
      kind: 'thermal_threshold',
      cameraId: 'CTX-T1',
      value: 92.4,
      unit: '°C',
      readings: [{ at: '2025-03-01T11:55:00.000Z', maxC: 92.4 }],
    },
    area: {
      description: 'Volcán Cotopaxi, provincia de Cotopaxi',
      geometry: SQUARE,
      geocodes: [{ valueName: 'INEC-DPA', value: '05' }],
    },
    web: 'https://atalaya.example.org/alerts/7',
    ...overrides,
  };
}

function referenceTo(alert: AlertForCap): CapReference {
  return { sender: alert.sender, identifier: capIdentifier(alert.id, alert.version), sent: alert.sent };
}

function expectValid(xml: string): void {
  const r = validateCap(xml);
  expect(r.output).toMatch(/validates/);
  expect(r.ok).toBe(true);
}

describe('the transcribed CAP 1.2 schema', () => {
  it('accepts the CAP 1.2 specification’s own example messages', () => {
    const examples = readdirSync(FIXTURES).filter((f) => f.startsWith('spec-example-'));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const f of examples) expect(validateCap(join(FIXTURES, f)).ok).toBe(true);
  });

  it('has the enumerations the code writes (read from the XSD by xmllint)', () => {
    const xsd = readFileSync(CAP_XSD, 'utf8');
    const enumOf = (name: string) =>
      xpathAll(xsd, `//*[local-name()='element'][@name='${name}']//*[local-name()='enumeration']/@value`);
    expect(enumOf('urgency')).toEqual([...CAP_URGENCIES]);
    expect(enumOf('severity')).toEqual([...CAP_SEVERITIES]);
    expect(enumOf('certainty')).toEqual([...CAP_CERTAINTIES]);
    expect(enumOf('responseType')).toEqual([...CAP_RESPONSE_TYPES]);
    expect(enumOf('category')).toEqual([...CAP_CATEGORIES]);
    expect(enumOf('status')).toEqual(['Actual', 'Exercise', 'System', 'Test', 'Draft']);
    expect(enumOf('msgType')).toEqual(['Alert', 'Update', 'Cancel', 'Ack', 'Error']);
    expect(enumOf('scope')).toEqual(['Public', 'Restricted', 'Private']);
  });
});

describe('capDocument', () => {
  it('writes a valid Alert with a polygon area, in Spanish and English', () => {
    const xml = capDocument(createAlert(), { senderName: 'ECU 911 — Atalaya' });
    expectValid(xml);
    expect(xpathString(xml, cap('alert', 'identifier'))).toBe('atalaya-alert-7-v1');
    expect(xpathString(xml, cap('alert', 'sender'))).toBe('atalaya@atalaya.example.org');
    expect(xpathString(xml, cap('alert', 'sent'))).toBe('2025-03-01T07:00:00-05:00');
    expect(xpathString(xml, cap('alert', 'msgType'))).toBe('Alert');
    expect(xpathAll(xml, cap('alert', 'references'))).toEqual([]);
    expect(xpathAll(xml, cap('alert', 'info', 'language'))).toEqual(['es-EC', 'en-US']);
    // Orange: Expected / Severe / Likely, Prepare (the mapping table in cap-grading.ts).
    expect(xpathAll(xml, cap('alert', 'info', 'urgency'))).toEqual(['Expected', 'Expected']);
    expect(xpathAll(xml, cap('alert', 'info', 'severity'))).toEqual(['Severe', 'Severe']);
    expect(xpathAll(xml, cap('alert', 'info', 'certainty'))).toEqual(['Likely', 'Likely']);
    expect(xpathAll(xml, cap('alert', 'info', 'category'))).toEqual(['Geo', 'Geo']);
    // Onset = firing time, 11:55 UTC.
    expect(xpathString(xml, cap('alert', 'info', 'onset'))).toBe('2025-03-01T06:55:00-05:00');
    // GeoJSON [lon, lat] swapped by hand into CAP "lat,lon".
    expect(xpathAll(xml, cap('alert', 'info', 'area', 'polygon'))).toEqual([
      '-0.5,-78.9 -0.5,-78.3 -1.2,-78.3 -1.2,-78.9 -0.5,-78.9',
      '-0.5,-78.9 -0.5,-78.3 -1.2,-78.3 -1.2,-78.9 -0.5,-78.9',
    ]);
    expect(xpathString(xml, `${cap('alert', 'info')}[1]/*[local-name()='headline']`)).toBe(
      'Alerta naranja: Temperatura alta en volcán — Cotopaxi cráter norte',
    );
    expect(xpathString(xml, `${cap('alert', 'info')}[2]/*[local-name()='headline']`)).toBe(
      'Orange alert: High volcanic temperature — Cotopaxi cráter norte',
    );
    const params = xpathAll(
      xml,
      `${cap('alert', 'info')}[1]/*[local-name()='parameter']/*[local-name()='valueName']`,
    );
    expect(params).toContain('atalaya:evidence:cameraId');
    expect(params).toContain('atalaya:label:team');
  });

  it('writes an Update that references the Alert, and a Cancel that references both', () => {
    const first = createAlert();
    const firstXml = capDocument(first);
    const update = createAlert({
      version: 2,
      msgType: 'Update',
      sent: T0 + 30 * MIN,
      severity: 'red',
      references: [referenceTo(first)],
    });
    const updateXml = capDocument(update);
    expectValid(updateXml);
    expect(xpathString(updateXml, cap('alert', 'identifier'))).toBe('atalaya-alert-7-v2');
    expect(xpathString(updateXml, cap('alert', 'msgType'))).toBe('Update');
    // The reference repeats the Alert's sender, identifier and sent exactly as that document wrote them.
    expect(xpathString(updateXml, cap('alert', 'references'))).toBe(
      `${xpathString(firstXml, cap('alert', 'sender'))},${xpathString(firstXml, cap('alert', 'identifier'))},${xpathString(firstXml, cap('alert', 'sent'))}`,
    );
    expect(xpathString(updateXml, cap('alert', 'references'))).toBe(
      'atalaya@atalaya.example.org,atalaya-alert-7-v1,2025-03-01T07:00:00-05:00',
    );
    expect(xpathString(updateXml, cap('alert', 'incidents'))).toBe(
      xpathString(firstXml, cap('alert', 'incidents')),
    );

    const cancel = createAlert({
      version: 3,
      msgType: 'Cancel',
      state: 'resolved',
      severity: 'red',
      sent: T0 + 75 * MIN,
      resolvedAt: T0 + 75 * MIN,
      references: [referenceTo(first), referenceTo(update)],
    });
    const cancelXml = capDocument(cancel);
    expectValid(cancelXml);
    expect(xpathString(cancelXml, cap('alert', 'msgType'))).toBe('Cancel');
    expect(xpathString(cancelXml, cap('alert', 'references'))).toBe(
      'atalaya@atalaya.example.org,atalaya-alert-7-v1,2025-03-01T07:00:00-05:00 atalaya@atalaya.example.org,atalaya-alert-7-v2,2025-03-01T07:30:00-05:00',
    );
    expect(xpathAll(cancelXml, cap('alert', 'info', 'urgency'))).toEqual(['Past', 'Past']);
    expect(xpathAll(cancelXml, cap('alert', 'info', 'responseType'))).toEqual(['AllClear', 'AllClear']);
    expect(xpathString(cancelXml, `${cap('alert', 'info')}[1]/*[local-name()='description']`)).toContain(
      'Finalizó el 2025-03-01 08:15 (UTC-05:00)',
    );
  });

  it('writes one polygon per outer ring of a MultiPolygon, dropping holes and closing open rings', () => {
    const multi = {
      type: 'MultiPolygon' as const,
      coordinates: [
        [
          SQUARE.coordinates[0]!,
          // A hole: CAP cannot express it, the area over-covers.
          [
            [-78.7, -0.7],
            [-78.5, -0.7],
            [-78.5, -0.9],
            [-78.7, -0.7],
          ],
        ],
        // Unclosed ring (Isabela-ish): CAP needs first = last.
        [
          [
            [-91.0, -0.3],
            [-90.8, -0.3],
            [-90.8, -0.5],
          ],
        ],
      ],
    };
    const xml = capDocument(createAlert({ area: { description: 'Cotopaxi y Galápagos', geometry: multi } }));
    expectValid(xml);
    expect(
      xpathAll(xml, `${cap('alert', 'info')}[1]/*[local-name()='area']/*[local-name()='polygon']`),
    ).toEqual([
      '-0.5,-78.9 -0.5,-78.3 -1.2,-78.3 -1.2,-78.9 -0.5,-78.9',
      '-0.3,-91 -0.3,-90.8 -0.5,-90.8 -0.3,-91',
    ]);
    for (const p of capAreaShapes(multi).polygons) {
      const pairs = p.split(' ');
      expect(pairs.length).toBeGreaterThanOrEqual(4);
      expect(pairs[0]).toBe(pairs[pairs.length - 1]);
    }
  });

  it('writes a circle "lat,lon radius_km" for a point alert', () => {
    const xml = capDocument(
      createAlert({
        area: {
          description: 'Volcán Cotopaxi, 15 km alrededor de la cumbre',
          geometry: { type: 'Circle', center: [-78.4368, -0.6838], radiusKm: 15 },
        },
      }),
    );
    expectValid(xml);
    expect(xpathAll(xml, cap('alert', 'info', 'area', 'circle'))).toEqual([
      '-0.6838,-78.4368 15',
      '-0.6838,-78.4368 15',
    ]);
    expect(xpathAll(xml, cap('alert', 'info', 'area', 'polygon'))).toEqual([]);
  });

  it('escapes & < > " \' in every text so an XML parser reads back the original', () => {
    const name = `Cotopaxi & "Tungurahua" <norte> 'sur' >=`;
    const area = `Zona <A> & "B"`;
    const xml = capDocument(
      createAlert({
        rule: { name, kind: 'thermal_threshold', labels: { 'a&b': '<x>' } },
        area: { description: area, geometry: null },
        evidence: { cameraId: 'CTX-T1', note: 'x < y && y > z' },
        web: 'https://atalaya.example.org/alerts/7?a=1&b="2"',
      }),
    );
    expectValid(xml);
    expect(xpathString(xml, `${cap('alert', 'info')}[2]/*[local-name()='headline']`)).toBe(
      `Orange alert: High volcanic temperature — ${name}`,
    );
    expect(
      xpathString(xml, `${cap('alert', 'info')}[1]/*[local-name()='area']/*[local-name()='areaDesc']`),
    ).toBe(area);
    expect(
      xpathString(
        xml,
        `${cap('alert', 'info')}[1]/*[local-name()='parameter'][*[local-name()='valueName']='atalaya:evidence:note']/*[local-name()='value']`,
      ),
    ).toBe('x < y && y > z');
    expect(
      xpathString(
        xml,
        `${cap('alert', 'info')}[1]/*[local-name()='parameter'][*[local-name()='valueName']='atalaya:label:a&b']/*[local-name()='value']`,
      ),
    ).toBe('<x>');
  });

  it('replaces characters XML cannot carry (a C0 control in evidence) instead of writing a broken document', () => {
    const xml = capDocument(createAlert({ evidence: { cameraId: 'CTX\u0001T1' } }));
    expectValid(xml);
    expect(
      xpathString(
        xml,
        `${cap('alert', 'info')}[1]/*[local-name()='parameter'][*[local-name()='valueName']='atalaya:evidence:cameraId']/*[local-name()='value']`,
      ),
    ).toBe('CTX\uFFFDT1');
  });

  it('marks exercises with a note and categorises incident surges by the incidents they count', () => {
    const xml = capDocument(
      createAlert({
        status: 'Exercise',
        rule: { name: 'Quito tráfico', kind: 'incident_surge' },
        scopeKey: 'region:quito',
        severity: 'warning',
        evidence: { categories: ['traffic', 'medical'], count: 31, windowSeconds: 3600, countAbove: 20 },
      }),
    );
    expectValid(xml);
    expect(xpathString(xml, cap('alert', 'status'))).toBe('Exercise');
    expect(xpathString(xml, cap('alert', 'note'))).toMatch(/Ejercicio/);
    expect(xpathAll(xml, `${cap('alert', 'info')}[1]/*[local-name()='category']`)).toEqual([
      'Transport',
      'Health',
      'Rescue',
    ]);
    expect(xpathString(xml, `${cap('alert', 'info')}[1]/*[local-name()='description']`)).toMatch(
      /^31 emergencias en 60 min \(umbral: más de 20\)\./,
    );
    expect(xpathString(xml, `${cap('alert', 'info')}[2]/*[local-name()='severity']`)).toBe('Severe');
  });

  it('writes valid documents for every severity and rule kind', () => {
    const kinds = [
      'thermal_threshold',
      'thermal_rate',
      'thermal_anomaly',
      'incident_surge',
      'stale_sensor',
      'coverage_loss',
    ] as const;
    for (const severity of SEVERITIES) {
      for (const kind of kinds) {
        const xml = capDocument(
          createAlert({ severity, rule: { name: `r ${kind}`, kind }, evidence: {}, value: null }),
        );
        expect(validateCap(xml).ok, `${severity} ${kind}`).toBe(true);
      }
    }
  });

  it('refuses what cannot be valid CAP, naming the bad value', () => {
    expect(() => capDocument(createAlert({ msgType: 'Update', references: [] }))).toThrow(
      /must reference the earlier message/,
    );
    expect(() => capDocument(createAlert({ sender: 'atalaya@host name' }))).toThrow(/"atalaya@host name"/);
    expect(() => capDocument(createAlert({ id: 'a,b' }))).toThrow(/"a,b"/);
    expect(() => capDocument(createAlert({ area: { description: '', geometry: null } }))).toThrow(/areaDesc/);
    expect(() =>
      capPolygon([
        [-78, -1],
        [-77, -1],
        [-78, -1],
      ]),
    ).toThrow(/at least 4/);
    expect(() =>
      capPolygon([
        [-78, -1],
        [-77, 95],
        [-77, -2],
        [-78, -1],
      ]),
    ).toThrow(/\[-77,95\]/);
    expect(() => capAreaShapes({ type: 'Circle', center: [-78, -1], radiusKm: -1 })).toThrow(/-1/);
  });
});

describe('the schema check itself', () => {
  // If these passed, the positive tests above would prove nothing.
  const good = () => capDocument(createAlert());
  it('rejects a msgType outside the enumeration', () => {
    const r = validateCap(good().replace('<msgType>Alert</msgType>', '<msgType>Alarm</msgType>'));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/msgType.*'Alarm' is not an element of the set/);
  });
  it('rejects a sent time written with Z (CAP 1.2 wants ±hh:mm)', () => {
    const r = validateCap(good().replace('2025-03-01T07:00:00-05:00', '2025-03-01T12:00:00Z'));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/sent.*pattern/);
  });
  it('rejects a document missing the required scope', () => {
    const r = validateCap(good().replace('  <scope>Public</scope>\n', ''));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/Expected is one of .*scope/);
  });
  it('rejects elements out of order (info before references)', () => {
    const update = capDocument(
      createAlert({ version: 2, msgType: 'Update', references: [referenceTo(createAlert())] }),
    );
    const refs = / {2}<references>.*<\/references>\n/.exec(update)![0];
    const moved = update.replace(refs, '').replace('</alert>', `${refs}</alert>`);
    expect(validateCap(moved).ok).toBe(false);
  });
});

describe('capSummary and the grading table', () => {
  it('summarises what the document says', () => {
    const s = capSummary(createAlert({ sent: T0 + 999 }));
    expect(s).toMatchObject({
      identifier: 'atalaya-alert-7-v1',
      sent: T0,
      msgType: 'Alert',
      urgency: 'Expected',
      severity: 'Severe',
      certainty: 'Likely',
      categories: ['Geo'],
      event: 'Temperatura alta en volcán',
    });
  });

  it('grades each volcanic colour and each incident step at least as gravely as the one before', () => {
    const rank = (list: readonly string[], v: string) => list.length - list.indexOf(v);
    for (const ladder of [
      ['white', 'yellow', 'orange', 'red'],
      ['advisory', 'watch', 'warning'],
    ] as const) {
      for (let i = 1; i < ladder.length; i++) {
        const lo = CAP_GRADING[ladder[i - 1]!];
        const hi = CAP_GRADING[ladder[i]!];
        expect(rank(CAP_SEVERITIES.slice(0, 4), hi.severity)).toBeGreaterThan(
          rank(CAP_SEVERITIES.slice(0, 4), lo.severity),
        );
      }
    }
    expect(capCategories('incident_surge', null)).toEqual(['Safety', 'Rescue']);
    expect(capCategories('stale_sensor')).toEqual(['Infra']);
  });
});

describe('capMessageTypeFor', () => {
  it('publishes an Alert when an alert first fires, a Cancel when a published alert resolves, nothing else', () => {
    expect(capMessageTypeFor({ from: 'inactive', to: 'pending' }, 0)).toBeNull();
    expect(capMessageTypeFor({ from: 'pending', to: 'firing' }, 0)).toBe('Alert');
    expect(capMessageTypeFor({ from: 'firing', to: 'error' }, 1)).toBeNull();
    expect(capMessageTypeFor({ from: 'error', to: 'firing' }, 1)).toBeNull();
    expect(capMessageTypeFor({ from: 'firing', to: 'resolved' }, 1)).toBe('Cancel');
    expect(capMessageTypeFor({ from: 'error', to: 'resolved' }, 2)).toBe('Cancel');
    expect(capMessageTypeFor({ from: 'pending', to: 'inactive' }, 0)).toBeNull();
  });
});
