import type { BBox, LngLat } from '../domain/types.js';

/**
 * Where imported positions may lie: a point is inside the extent when it is inside any of its
 * rings. Rings are simple polygons (no holes), [lng, lat] in degrees EPSG:4326, open or closed.
 * The check catches sign slips, swapped columns and data from the wrong country; it is not a
 * boundary: the default rings keep a margin of ~8–19 km around the national territory.
 */
export interface Extent {
  name: string;
  rings: ReadonlyArray<ReadonlyArray<LngLat>>;
}

/**
 * Mainland Ecuador (with Puná, La Plata and Santa Clara islands) and the Galápagos.
 *
 * The mainland ring was derived once from data/provinces.geojson (INEC/OCHA, 2019): provinces
 * other than EC20 rasterised at 0.02°, dilated by 0.12° (~13 km), holes filled, outline traced and
 * simplified (Douglas–Peucker, 0.05°), so every point of the provinces lies 0.07°–0.17° inside
 * it. Nearby foreign towns more than ~20 km from the border (Pasto, Tumaco, Mocoa, Tumbes, Piura)
 * fall outside; border towns (Ipiales, Aguas Verdes) do not. test/ingest/extent.test.ts checks both.
 *
 * The Galápagos are a box: open ocean surrounds them, and it must take in Darwin and Wolf islands
 * (1.68° N, 92.0° W), which the simplified provinces omit.
 */
// prettier-ignore
export const ECUADOR_EXTENT: Extent = {
  name: 'Ecuador (mainland and Galápagos)',
  rings: [
    [
      [-79.04, -5.14], [-78.78, -4.96], [-78.78, -4.78], [-78.54, -4.64], [-78.44, -4.04], [-78.3, -3.86],
      [-78.26, -3.62], [-78.04, -3.54], [-78.04, -3.38], [-77.9, -3.2], [-77.7, -3.06], [-76.56, -2.7],
      [-76.38, -2.56], [-75.98, -2.24], [-75.44, -1.62], [-75.32, -1.12], [-75.12, -1.08], [-75.06, -0.98],
      [-75.14, -0.76], [-75.12, -0.48], [-75.34, -0.3], [-75.16, -0.2], [-75.22, 0], [-75.72, 0.16],
      [-75.94, 0.42], [-76.24, 0.56], [-76.46, 0.5], [-76.52, 0.38], [-76.92, 0.38], [-77.16, 0.52],
      [-77.36, 0.52], [-77.36, 0.72], [-77.54, 0.78], [-77.64, 0.96], [-77.92, 0.94], [-78.14, 1.1],
      [-78.24, 1.3], [-78.42, 1.3], [-78.86, 1.58], [-79.22, 1.2], [-79.4, 1.22], [-80.18, 0.88], [-80.24, 0.68],
      [-80.16, 0.56], [-80.16, 0.14], [-80.6, -0.3], [-80.56, -0.56], [-80.64, -0.78], [-80.9, -0.84],
      [-81.04, -1.04], [-81, -1.16], [-81.14, -1.16], [-81.2, -1.26], [-81.08, -1.4], [-80.96, -1.28],
      [-80.88, -1.36], [-80.98, -1.56], [-80.86, -1.86], [-80.88, -2.06], [-81.08, -2.08], [-81.12, -2.26],
      [-80.38, -2.8], [-80.38, -3.06], [-80.5, -3.06], [-80.56, -3.18], [-80.42, -3.3], [-80.3, -3.84],
      [-80.58, -3.96], [-80.56, -4.52], [-80.32, -4.6], [-80.1, -4.44], [-79.82, -4.62], [-79.66, -4.58],
      [-79.34, -5.08],
    ],
    bboxRing([-92.2, -1.8, -88.9, 1.9]),
  ],
};

/** An extent made of boxes, [west, south, east, north] in degrees (none may cross the antimeridian). */
export function extentFromBBoxes(name: string, boxes: readonly BBox[]): Extent {
  return { name, rings: boxes.map(bboxRing) };
}

/**
 * Whether [lng, lat] (degrees) lies inside any ring of `extent`, by ray casting (even–odd rule).
 * Points exactly on an edge may fall either way; the default extent's margin makes that moot.
 * @example isInsideExtent(ECUADOR_EXTENT, -78.4678, -0.1807) // Quito → true
 */
export function isInsideExtent(extent: Extent, lng: number, lat: number): boolean {
  return extent.rings.some((ring) => isInsideRing(ring, lng, lat));
}

function isInsideRing(ring: ReadonlyArray<LngLat>, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function bboxRing([west, south, east, north]: BBox): LngLat[] {
  return [
    [west, south],
    [east, south],
    [east, north],
    [west, north],
  ];
}
