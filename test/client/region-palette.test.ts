import { readFileSync } from 'node:fs';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { OKABE_ITO, REGION_COLORS, hexToRgb, regionColor } from '../../client/map/region-palette.js';

const root = new URL('../../', import.meta.url);
const provinces = JSON.parse(
  readFileSync(new URL('data/provinces.geojson', root), 'utf8'),
) as FeatureCollection<Polygon | MultiPolygon, { name: string }>;
/** Province name → center id, from data/centers.csv (the same file the server seeds from). */
const centerOfProvince = new Map<string, string>();
for (const line of readFileSync(new URL('data/centers.csv', root), 'utf8').trim().split('\n').slice(1)) {
  const fields = line.split(',');
  const id = fields[0] as string;
  for (const province of (fields[fields.length - 1] as string).split(';')) centerOfProvince.set(province, id);
}

/** Vertex keys of a province; provinces dissolved from the same cantons share exact border vertices. */
function vertices(geometry: Polygon | MultiPolygon): Set<string> {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return new Set(polygons.flat(2).map(([x, y]) => `${x},${y}`));
}

describe('region colours', () => {
  it('gives each of the 16 centers a colour of the Okabe–Ito palette', () => {
    const centers = new Set(centerOfProvince.values());
    expect(centers.size).toBe(16);
    const palette = new Set<string>(Object.values(OKABE_ITO));
    for (const id of centers) expect(palette.has(regionColor(id)), id).toBe(true);
    expect(Object.keys(REGION_COLORS).sort()).toEqual([...centers].sort());
  });

  it('never gives two regions that touch (even at a corner) the same colour', () => {
    const byProvince = provinces.features.map((f) => ({
      center: centerOfProvince.get(f.properties.name),
      vertices: vertices(f.geometry),
    }));
    const touching: string[] = [];
    for (let i = 0; i < byProvince.length; i++) {
      for (let j = i + 1; j < byProvince.length; j++) {
        const a = byProvince[i]!;
        const b = byProvince[j]!;
        if (!a.center || !b.center || a.center === b.center) continue;
        if ([...a.vertices].some((v) => b.vertices.has(v))) {
          touching.push(`${a.center}/${b.center}`);
          expect(regionColor(a.center), `${a.center} touches ${b.center}`).not.toBe(regionColor(b.center));
        }
      }
    }
    // A sanity check that adjacency was found at all: Quito's Pichincha touches Santo Domingo.
    expect(touching.some((pair) => pair.includes('quito') && pair.includes('santo_domingo'))).toBe(true);
  });

  it('falls back to a neutral grey for an unknown center', () => {
    expect(regionColor('atlantis')).toBe('#9AA5B1');
  });
});

describe('hexToRgb', () => {
  it('reads #RRGGBB', () => {
    expect(hexToRgb('#E69F00')).toEqual([230, 159, 0]);
  });
  it('names the bad value', () => {
    expect(() => hexToRgb('red')).toThrow('"red"');
  });
});
