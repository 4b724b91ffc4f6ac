/**
 * Fuzz: thousands of malformed requests — bodies, query and path parameters, geometries, content
 * types — to every route, with an admin token. The server must answer every one with less than 500,
 * keep answering, and write nothing: the row count of every table, audit_log included, is the same
 * after as before.
 *
 * The generator is seeded (FUZZ_SEED, default below), so a failure replays exactly. Every request is
 * invalid by construction — each JSON body keeps at least one field no route accepts, each upload
 * at least one bad row, each id matches nothing — so "nothing written" is the server's doing, not
 * luck.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../../server/db/token-store.js';
import type { RouteSummary } from '../../../server/api/route-registry.js';
import { startFullApp, type FullApp } from './full-app.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20260611);
/** Requests per route (heavy bodies come on top, a few per route). */
const CASES_PER_ROUTE = 40;
const CONCURRENCY = 4;
const MB = 1024 * 1024;

/** mulberry32: a small seeded PRNG (public domain, Tommy Ettinger). */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof prng>;

// ------------------------------------------------------------------ the corpus

/** Path parameter values: none is an id that exists (ids in the test database are far below 10⁹). */
const BAD_IDS = [
  'abc',
  '-1',
  '0',
  '1.5',
  '1e309',
  'NaN',
  'Infinity',
  '-Infinity',
  '999999999',
  '99999999999999999999999',
  '9223372036854775808',
  '0x10',
  '%00',
  '%ff',
  '%ff%fe',
  '%C0%AF',
  '..%2F..%2Fetc%2Fpasswd',
  '1%20OR%201%3D1',
  "1'%3B%20DROP%20TABLE%20cameras%3B--",
  '%E2%80%AE',
  '%F0%9F%8C%8B',
  'x'.repeat(300),
  '1'.repeat(2000),
  '999999999.xml',
  '-5.xml',
  'a.xml',
  '%20',
];

/** Query parameter values, already URL-encoded. */
const BAD_VALUES = [
  '',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '-1',
  '0',
  '1.5',
  '99999999999999999999',
  'true',
  'null',
  'undefined',
  '%00',
  'a%00b',
  '%ff',
  '%C3%28',
  '%',
  '%zz',
  '-200,-100,200,100',
  'NaN,0,1,1',
  '1,1,0,0',
  '0,0,0,0',
  '1,2,3',
  '1,2,3,4,5',
  '-78.5,-0.3,-78.4',
  'Infinity,-1,1,1',
  '1e308,1e308,1e308,1e308',
  '2026-13-45T99:99:99Z',
  '0000-01-01T00:00:00Z',
  '275760-09-13T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '1970-01-01T00:00:00%2B99:99',
  '2026-02-30T00:00:00Z',
  '2026-06-01',
  ',,,',
  'fire,,medical',
  'x'.repeat(5000),
  '%27%20OR%20%271%27%3D%271',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  'province%3A%27%3B%20DROP%20TABLE%20audit_log%3B--',
  'bbox%3A-200,-100,200,100',
  'bbox%3ANaN,NaN,NaN,NaN',
  'volcano%3A-1',
  'city%3A%00',
  '%E2%80%AE%E2%80%AE',
  // Cursors shaped like the incidents API's (base64url JSON) around instants PostgreSQL cannot hold.
  ...[
    { t: '-271821-04-20T00:00:00Z', id: 1 },
    { t: '+275760-09-13T00:00:00Z', id: 1 },
    { t: '0000-01-01T00:00:00Z', id: 1 },
    { t: '2026-01-01T00:00:00Z', id: -1e20 },
    { t: '2026-01-01T00:00:00Z', id: '1' },
    { t: 'x'.repeat(100) },
  ].map((c) => Buffer.from(JSON.stringify(c)).toString('base64url')),
];

/** Well-formed values, so that some requests get past parameter parsing to the queries behind. */
const FAIR_VALUES = [
  '1',
  '100',
  '2026-01-01T00:00:00Z',
  '2025-06-01T00:00:00-05:00',
  'fire,medical',
  'national',
  'cotopaxi',
  'province%3AEC17',
  'region%3Aquito',
  'bbox%3A-76.6,-1.95,-76.55,-1.9',
  '-79,-2,-78,-1',
  'skip-invalid',
  'csv',
  'ndjson',
  'firing',
  'camera%3ANO-SUCH',
];

const UNKNOWN_PARAMS = ['__proto__', 'constructor', 'x', 'limit[]', 'a.b', '%00', 'format', 'cursor'];

const CONTENT_TYPES = [
  undefined,
  '',
  'text/plain',
  'text/html',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/octet-stream',
  'a/b/c',
  '*/*',
  'application/json',
  'application/geo+json',
  'application/merge-patch+json',
  'text/csv',
  'text/csv; charset=iso-8859-1',
  'application/x-ndjson',
];

/** Values that no field of any route accepts as they are. */
const POISON: unknown[] = [
  '',
  '\u0000',
  'a\u0000b',
  'Infinity',
  -1e300,
  1e300,
  [],
  [[[[[[]]]]]],
  {},
  { __proto__: { polluted: true } },
  'x'.repeat(3000),
  '\ud800',
  '2026-13-45T99:99:99Z',
  { type: 'Polygon', coordinates: [] },
];

const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

/** A ring crossing itself (a bow tie): valid JSON, invalid geometry. */
const BOWTIE = [
  [-78.5, -0.2],
  [-78.4, -0.3],
  [-78.4, -0.2],
  [-78.5, -0.3],
  [-78.5, -0.2],
];

/** Geometries that are wrong in one way each. */
const BAD_GEOMETRIES: unknown[] = [
  { type: 'Polygon', coordinates: [BOWTIE] },
  { type: 'Polygon', coordinates: [BOWTIE.slice(0, 3)] },
  { type: 'Polygon', coordinates: [BOWTIE.slice(0, 4)] },
  {
    type: 'Polygon',
    coordinates: [
      [
        [-78.5, -0.2],
        [-78.4, -0.3],
      ],
    ],
  },
  {
    type: 'Polygon',
    coordinates: [
      [
        [1e300, 1e300],
        [-1e300, 1e300],
        [0, -1e300],
        [1e300, 1e300],
      ],
    ],
  },
  {
    type: 'Polygon',
    coordinates: [
      [
        [780000, 9900000],
        [790000, 9900000],
        [790000, 9910000],
        [780000, 9900000],
      ],
    ],
  },
  { type: 'MultiPolygon', coordinates: [[BOWTIE]] },
  { type: 'MultiPolygon', coordinates: BOWTIE },
  { type: 'Point', coordinates: [1e300, -1e300] },
  { type: 'Point', coordinates: [780000, 9900000] },
  { type: 'Point', coordinates: ['NaN', 'NaN'] },
  { type: 'Point', coordinates: [] },
  { type: 'Point', coordinates: [-78.5] },
  { type: 'Point', coordinates: [-78.5, -0.2, 1, 2, 3] },
  { type: 'Point', coordinates: null },
  { type: 'LineString', coordinates: BOWTIE },
  { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [0, 0] }] },
  { type: 'Circle', coordinates: [-78.5, -0.2], radius: 10 },
  {
    type: 'Polygon',
    coordinates: [
      Array.from({ length: 20000 }, (_, i) => [-78 + Math.sin(i) * 1e-3, -0.2 + Math.cos(i * 1.7) * 1e-3]),
    ],
  },
  null,
  'POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))',
];

/** The CRS members old GeoJSON carried: Atalaya reads EPSG:4326 only. */
const BAD_CRS = [
  { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32717' } },
  { type: 'name', properties: { name: 'EPSG:3857' } },
  { type: 'link', properties: { href: 'http://example.com/crs', type: 'proj4' } },
  'EPSG:32717',
];

/** A JSON value of random shape, bounded in size. */
function randomJson(rng: Rng, depth = 0): unknown {
  const r = rng.next();
  if (depth > 3 || r < 0.3) return rng.pick(POISON);
  if (r < 0.45) return rng.pick(BAD_GEOMETRIES);
  if (r < 0.6) return Array.from({ length: rng.int(0, 4) }, () => randomJson(rng, depth + 1));
  const out: Record<string, unknown> = {};
  for (let i = rng.int(0, 4); i > 0; i--)
    out[rng.pick(['a', 'type', 'id', 'name', '', '__proto__', 'geometry', 'features', 'x'.repeat(50)])] =
      randomJson(rng, depth + 1);
  return out;
}

/**
 * Near-valid bodies of the JSON routes, each with an anchor that keeps it invalid whatever else is
 * mutated: a role no token has, a URL scheme no webhook takes, a rule kind that does not exist…
 */
const TEMPLATES: Record<string, () => Record<string, unknown>> = {
  '/api/tokens': () => ({ name: 'fuzz', role: 'superuser' }),
  '/api/webhooks': () => ({ name: 'fuzz', url: 'ftp://example.com/x', secret: 's'.repeat(20) }),
  '/api/rules': () => ({
    name: 'fuzz',
    kind: 'volcano_mood',
    severity: 'red',
    scope: { type: 'all' },
    params: { thresholdC: 100 },
  }),
  '/api/rules/:id': () => ({ name: 'fuzz', kind: 'volcano_mood', severity: 'purple', scope: null }),
  '/api/rules/backtest': () => ({ rule: { kind: 'volcano_mood' }, from: '2026-01-01T00:00:00Z', to: 'soon' }),
  '/api/siting': () => ({
    area: 'national',
    budget: { count: 3 },
    model: {
      kind: 'dome',
      mountHeightM: 10,
      hfovDeg: 90,
      rangeM: 500,
      resolutionHPx: 1920,
      unitCostUsd: 1000,
    },
    candidates: { points: [{ lon: 1e300, lat: -1e300 }] },
  }),
  '/api/coverage/what-if': () => ({
    changes: [
      {
        op: 'add',
        camera: {
          kind: 'dome',
          position: [780000, 9900000],
          mountHeightM: 10,
          azimuthDeg: 0,
          hfovDeg: 90,
          vfovDeg: 40,
          tiltDeg: 0,
          rangeM: 500,
          resolutionHPx: 1920,
        },
      },
    ],
  }),
  '/api/alerts/:id/assign': () => ({ assignee: 7 }),
  '/api/alerts/:id/comment': () => ({ comment: '' }),
  '/api/alerts/:id/silence': () => ({ until: 'never', reason: 'fuzz' }),
  '/api/cameras/:id/privacy-masks': () => ({
    type: 'FeatureCollection',
    crs: BAD_CRS[0],
    features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [BOWTIE] }, properties: {} }],
  }),
};

function mutate(rng: Rng, value: Record<string, unknown>): Record<string, unknown> {
  const out = { ...value };
  const keys = Object.keys(out);
  for (let i = rng.int(0, 2); i > 0 && keys.length > 0; i--) {
    const key = rng.pick(keys);
    out[key] = rng.chance(0.5) ? rng.pick(POISON) : randomJson(rng);
  }
  if (rng.chance(0.2)) out[rng.pick(['extra', '__proto__', 'constructor'])] = randomJson(rng);
  if (rng.chance(0.2)) out['geometry'] = rng.pick(BAD_GEOMETRIES);
  if (rng.chance(0.1)) out['crs'] = rng.pick(BAD_CRS);
  return out;
}

// Uploads: every body holds at least one row no kind accepts (all-or-nothing refuses the batch, and
// skip-invalid has no valid row to keep).
const CSV_HEADERS: Record<string, string> = {
  cameras:
    'external_id,name,kind,status,lon,lat,mount_height_m,azimuth_deg,hfov_deg,vfov_deg,tilt_deg,range_m,resolution_h_px,resolution_v_px,install_date,unit_cost_usd,volcano_gvp,synthetic',
  incidents: 'external_id,category,priority,occurred_at,lon,lat,description,synthetic',
  readings: 'camera_id,ts,max_temp_c,mean_temp_c,quality,synthetic',
};

const BAD_CELLS = [
  'NaN',
  'Infinity',
  '1e309',
  '-1e300',
  '',
  '"',
  '""x',
  'a\u0000b',
  '780000',
  '9900000',
  '=cmd|x',
  'x'.repeat(200),
];

function badCsv(rng: Rng, kind: string): string | Buffer {
  const header = CSV_HEADERS[kind]!;
  const columns = header.split(',').length;
  const rows: string[] = [];
  for (let r = rng.int(1, 20); r > 0; r--) {
    const cells = Array.from({ length: rng.chance(0.8) ? columns : rng.int(1, columns + 3) }, () =>
      rng.pick(BAD_CELLS),
    );
    rows.push(cells.join(','));
  }
  const variant = rng.int(0, 6);
  if (variant === 0) return `${header}\n`; // header only
  if (variant === 1) return `\ufeff${header}\r\n${rows.join('\r\n')}`;
  if (variant === 2) return `${header}\n"unterminated,${rows.join('\n')}`;
  if (variant === 3)
    return Buffer.concat([Buffer.from(`${header}\n`), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a])]);
  if (variant === 4) return `${header.replace('lat', 'latitude')}\n${rows.join('\n')}`;
  return `${header}\n${rows.join('\n')}`;
}

function badGeoJson(rng: Rng): string {
  const features = Array.from({ length: rng.int(1, 5) }, () => ({
    type: 'Feature',
    geometry: rng.pick(BAD_GEOMETRIES),
    properties: rng.chance(0.5) ? mutate(rng, { external_id: 'FUZZ-1', category: 'fire' }) : rng.pick(POISON),
  }));
  const fc: Record<string, unknown> = {
    type: rng.pick(['FeatureCollection', 'Feature', 'Topology', '']),
    features,
  };
  if (rng.chance(0.5)) fc['crs'] = rng.pick(BAD_CRS);
  return JSON.stringify(fc);
}

function badNdjson(rng: Rng): string {
  return Array.from({ length: rng.int(1, 10) }, () =>
    rng.chance(0.3)
      ? rng.pick(['{', 'null', '[]', '{"camera_id":', '\u0000', 'NaN'])
      : JSON.stringify(
          mutate(rng, { camera_id: 'NO-SUCH-CAMERA', ts: 'yesterday', max_temp_c: 1e300, quality: 'ok' }),
        ),
  ).join(rng.pick(['\n', '\r\n', '\n\n', '\u2028']));
}

// ------------------------------------------------------------------ requests

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** What it is, for the failure report. */
  label: string;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
}

function queryNames(doc: OpenApiDoc, route: RouteSummary): string[] {
  const op = doc.paths[route.path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[route.method];
  return (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
}

function genericBody(rng: Rng): { body: string | Buffer; label: string } {
  const r = rng.int(0, 14);
  switch (r) {
    case 0:
      return { body: '', label: 'empty' };
    case 1:
      return {
        body: rng.pick(['{', '[', '{"a":', '}', 'nul', '{"a":1,}', "{'a':1}", 'NaN', '[1,2', '"\\x"']),
        label: 'broken JSON',
      };
    case 2:
      return { body: deepArray(rng.pick([33, 100, 5000, 200_000])), label: 'deep array' };
    case 3:
      return { body: deepObject(rng.pick([33, 1000, 50_000])), label: 'deep object' };
    case 4:
      return {
        body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        label: 'invalid UTF-8',
      };
    case 5:
      return { body: '{"a":"\\u0000"}', label: 'escaped NUL' };
    case 6:
      return { body: '\ufeff{}', label: 'BOM' };
    case 7:
      return { body: '{"a":1e400,"b":-1e400}', label: 'overflowing numbers' };
    case 8:
      return {
        body: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}',
        label: 'prototype pollution',
      };
    case 9:
      return { body: '{"a":1,"a":2,"a":3}', label: 'duplicate keys' };
    case 10:
      return { body: JSON.stringify(rng.pick(BAD_GEOMETRIES)), label: 'bare geometry' };
    default:
      return { body: JSON.stringify(randomJson(rng)), label: 'random JSON' };
  }
}

/** One request for `route`. */
function generate(rng: Rng, doc: OpenApiDoc, route: RouteSummary, token: string): FuzzRequest {
  const takesBody = route.streamsBody || route.bodyTypes.length > 0;
  // A bad id or parameter stops a request before its body is read: routes with bodies mostly get
  // well-formed ids (that match nothing) and no parameters, so that their bodies are what is tested.
  let path = route.path.replace(/:([A-Za-z_]+)/g, () =>
    takesBody && rng.chance(0.7) ? '999999999' : rng.pick(BAD_IDS),
  );
  const labels: string[] = [];
  const params: string[] = [];
  const names = queryNames(doc, route);
  for (let i = takesBody && rng.chance(0.75) ? 0 : rng.int(0, 3); i > 0; i--) {
    const name = names.length > 0 && rng.chance(0.8) ? rng.pick(names) : rng.pick(UNKNOWN_PARAMS);
    params.push(`${encodeURIComponent(name)}=${rng.pick(rng.chance(0.8) ? BAD_VALUES : FAIR_VALUES)}`);
  }
  if (params.length) path += `?${params.join('&')}`;
  if (rng.chance(0.03)) path += `&${params[0] ?? 'x=1'}`; // repeated parameter
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (rng.chance(0.02))
    headers['Authorization'] = rng
      .pick(['Bearer', 'Bearer atl_', 'Basic YTpi', 'Bearer atl_\u00e9'])
      .replace('\u00e9', 'x');
  if (rng.chance(0.05))
    headers['Last-Event-ID'] = rng.pick(['-1', 'NaN', '1e309', 'abc', '99999999999999999999']);
  const request: FuzzRequest = { method: route.method.toUpperCase(), url: path, headers, label: '' };

  if (takesBody || rng.chance(0.1)) {
    const kind = route.path.slice('/api/'.length);
    let body: string | Buffer;
    let type: string | undefined;
    if (route.streamsBody) {
      const format = rng.int(0, 3);
      if (format === 0) {
        body = badCsv(rng, kind);
        type = 'text/csv';
      } else if (format === 1) {
        body = badGeoJson(rng);
        type = rng.pick(['application/geo+json', 'application/json']);
      } else if (format === 2) {
        body = badNdjson(rng);
        type = 'application/x-ndjson';
      } else {
        ({ body } = genericBody(rng));
        type = rng.pick(CONTENT_TYPES);
      }
      labels.push(`upload ${type}`);
    } else if (TEMPLATES[route.path] && rng.chance(0.5)) {
      body = JSON.stringify(mutate(rng, TEMPLATES[route.path]!()));
      type = route.bodyTypes[0] ?? 'application/json';
      labels.push('mutated template');
    } else {
      const g = genericBody(rng);
      body = g.body;
      type = rng.chance(0.7) ? (route.bodyTypes[0] ?? 'application/json') : rng.pick(CONTENT_TYPES);
      labels.push(g.label);
    }
    if (rng.chance(0.1)) type = rng.pick(CONTENT_TYPES);
    if (type !== undefined) headers['Content-Type'] = type;
    // GET and DELETE carry bodies too sometimes: the server must ignore or refuse them, not break.
    request.body = body;
  }
  request.label = `${request.method} ${path.slice(0, 160)} [${labels.join(', ')}${headers['Content-Type'] !== undefined ? `; ${headers['Content-Type']}` : ''}]`;
  return request;
}

/** The heavy case of a route that reads a body: a 10 MB string, row or nesting (alternating). */
function heavy(route: RouteSummary, token: string, index: number): FuzzRequest {
  const type = route.streamsBody ? 'text/csv' : (route.bodyTypes[0] ?? 'application/json');
  const kind = route.path.slice('/api/'.length);
  const tenMb = 'a'.repeat(10 * MB);
  const [body, label] = route.streamsBody
    ? index % 2 === 0
      ? [`${CSV_HEADERS[kind] ?? 'x'}\n"${tenMb}",NaN`, '10 MB CSV field']
      : [`${CSV_HEADERS[kind] ?? 'x'}\n${'NaN,'.repeat(2.5 * MB)}`, '10 MB CSV row']
    : index % 2 === 0
      ? [JSON.stringify({ name: tenMb }), '10 MB JSON string']
      : [deepArray(5 * MB), '10 MB of nesting'];
  const path = route.path.replace(/:([A-Za-z_]+)/g, '999999999');
  return {
    method: route.method.toUpperCase(),
    url: path,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
    body,
    label: `${route.method.toUpperCase()} ${path} [${label}]`,
  };
}

// ------------------------------------------------------------------ the run

let app: FullApp;
let token: string;

async function tableCounts(): Promise<Record<string, number>> {
  const tables = await app.db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    // Table names come from the catalogue, quoted as identifiers.
    const [row] = await app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${name.replace(/"/g, '""')}"`,
    );
    counts[name] = row!.n;
  }
  return counts;
}

interface Outcome {
  label: string;
  status: number | string;
}

async function send(req: FuzzRequest): Promise<Outcome> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 30_000);
  try {
    const res = await fetch(`${app.url}${req.url}`, {
      method: req.method,
      headers: req.headers,
      ...(req.body !== undefined && req.method !== 'GET'
        ? { body: new Uint8Array(Buffer.from(req.body)) }
        : {}),
      signal: abort.signal,
      redirect: 'manual',
    });
    if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) abort.abort();
    else await res.arrayBuffer();
    return { label: req.label, status: res.status };
  } catch (error) {
    return {
      label: req.label,
      status: `no answer: ${(error as Error).message} ${String((error as Error).cause ?? '')}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  app = await startFullApp();
  token = (await createToken(app.db, 'fuzz-admin', 'admin')).secret;
  // Computed once and cached in the database: the footprints of the cameras other suites left.
  await app.coverage.ready();
  await fetch(`${app.url}/api/coverage`);
});
afterAll(() => app?.close());

describe(`fuzz (seed ${SEED})`, () => {
  it('answers thousands of malformed requests to every route without a 5xx, and writes nothing', async () => {
    const docRes = await fetch(`${app.url}/api/openapi.json`);
    const doc = (await docRes.json()) as OpenApiDoc;
    const rng = prng(SEED);
    const requests: FuzzRequest[] = [];
    app.routes.forEach((route, index) => {
      for (let i = 0; i < CASES_PER_ROUTE; i++) requests.push(generate(rng, doc, route, token));
      if (route.streamsBody || route.bodyTypes.length > 0) requests.push(heavy(route, token, index));
    });
    const before = await tableCounts();
    const [{ lastAudit }] = (await app.db.query<{ lastAudit: number }>(
      'SELECT coalesce(max(id), 0)::int AS "lastAudit" FROM audit_log',
    )) as [{ lastAudit: number }];

    const outcomes: Outcome[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const req = requests[next++]!;
          outcomes.push(await send(req));
        }
      }),
    );

    const failures = outcomes.filter((o) => typeof o.status !== 'number' || o.status >= 500);
    expect(failures.slice(0, 20), `${failures.length} failures`).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(2000);
    const health = await fetch(`${app.url}/api/health`);
    expect(health.status).toBe(200);
    const audited = await app.db.query('SELECT actor, action, entity, after FROM audit_log WHERE id > $1', [
      lastAudit,
    ]);
    expect(audited).toEqual([]);
    expect(await tableCounts()).toEqual(before);
  }, 180_000);
});
