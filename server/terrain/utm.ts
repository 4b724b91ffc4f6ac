/**
 * WGS 84 / UTM (EPSG:326zz north, 327zz south) to and from longitude/latitude.
 *
 * Transverse Mercator by Krüger's series in the third flattening n, to n⁴, as given by
 * Karney (2011), "Transverse Mercator with an accuracy of a few nanometers", J. Geodesy 85:475–485,
 * eqs. (7), (11), (12), (35)–(36); the truncation error is below 0.1 mm within a UTM zone. Latitude
 * from conformal latitude by Newton's method, Karney eqs. (19)–(21).
 */
import { WGS84_A, WGS84_F } from '../coverage/ground-scale.js';

/** UTM scale on the central meridian. */
const K0 = 0.9996;
const FALSE_EASTING = 500000;
const FALSE_NORTHING_SOUTH = 10000000;

const N = WGS84_F / (2 - WGS84_F);
const E = Math.sqrt(WGS84_F * (2 - WGS84_F));
const N2 = N * N;
const N3 = N2 * N;
const N4 = N3 * N;
/** Rectifying radius A (Karney eq. 14). */
const A_RECT = (WGS84_A / (1 + N)) * (1 + N2 / 4 + N4 / 64);
const ALPHA = [
  N / 2 - (2 * N2) / 3 + (5 * N3) / 16 + (41 * N4) / 180,
  (13 * N2) / 48 - (3 * N3) / 5 + (557 * N4) / 1440,
  (61 * N3) / 240 - (103 * N4) / 140,
  (49561 * N4) / 161280,
] as const;
const BETA = [
  N / 2 - (2 * N2) / 3 + (37 * N3) / 96 - N4 / 360,
  N2 / 48 + N3 / 15 - (437 * N4) / 1440,
  (17 * N3) / 480 - (37 * N4) / 840,
  (4397 * N4) / 161280,
] as const;
const DEG = Math.PI / 180;

/** A UTM zone on WGS 84. */
export interface UtmZone {
  zone: number;
  south: boolean;
}

/**
 * The UTM zone of an EPSG code, or null when the code is not WGS 84 / UTM.
 * @example utmZoneOfEpsg(32717) → { zone: 17, south: true }
 */
export function utmZoneOfEpsg(epsg: number): UtmZone | null {
  if (epsg >= 32601 && epsg <= 32660) return { zone: epsg - 32600, south: false };
  if (epsg >= 32701 && epsg <= 32760) return { zone: epsg - 32700, south: true };
  return null;
}

/** Central meridian of a zone, degrees: 6° zones from −180°, zone 17 → −81°. */
export function centralMeridian(zone: number): number {
  return zone * 6 - 183;
}

/**
 * Longitude/latitude (degrees, WGS 84) to UTM easting/northing (metres) in a given zone. Points
 * outside the zone are projected all the same (accuracy falls off slowly beyond its 3° half-width).
 */
export function lonLatToUtm(lon: number, lat: number, zone: UtmZone): { x: number; y: number } {
  const phi = lat * DEG;
  const lam = (lon - centralMeridian(zone.zone)) * DEG;
  const s = Math.sin(phi);
  const t = Math.sinh(Math.atanh(s) - E * Math.atanh(E * s));
  const xiP = Math.atan2(t, Math.cos(lam));
  const etaP = Math.atanh(Math.sin(lam) / Math.sqrt(1 + t * t));
  let xi = xiP;
  let eta = etaP;
  for (let j = 1; j <= 4; j++) {
    const a = ALPHA[j - 1] as number;
    xi += a * Math.sin(2 * j * xiP) * Math.cosh(2 * j * etaP);
    eta += a * Math.cos(2 * j * xiP) * Math.sinh(2 * j * etaP);
  }
  return {
    x: FALSE_EASTING + K0 * A_RECT * eta,
    y: K0 * A_RECT * xi + (zone.south ? FALSE_NORTHING_SOUTH : 0),
  };
}

/** UTM easting/northing (metres) in a zone to longitude/latitude (degrees, WGS 84). */
export function utmToLonLat(x: number, y: number, zone: UtmZone): { lon: number; lat: number } {
  const xi = (y - (zone.south ? FALSE_NORTHING_SOUTH : 0)) / (K0 * A_RECT);
  const eta = (x - FALSE_EASTING) / (K0 * A_RECT);
  let xiP = xi;
  let etaP = eta;
  for (let j = 1; j <= 4; j++) {
    const b = BETA[j - 1] as number;
    xiP -= b * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
    etaP -= b * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
  }
  const sinhEta = Math.sinh(etaP);
  const cosXi = Math.cos(xiP);
  const tauP = Math.sin(xiP) / Math.hypot(sinhEta, cosXi);
  let tau = tauP;
  for (let i = 0; i < 5; i++) {
    const sigma = Math.sinh(E * Math.atanh((E * tau) / Math.sqrt(1 + tau * tau)));
    const tauI = tau * Math.sqrt(1 + sigma * sigma) - sigma * Math.sqrt(1 + tau * tau);
    const d =
      ((tauP - tauI) / Math.sqrt(1 + tauI * tauI)) *
      ((1 + (1 - E * E) * tau * tau) / ((1 - E * E) * Math.sqrt(1 + tau * tau)));
    tau += d;
    if (Math.abs(d) < 1e-14) break;
  }
  return {
    lon: centralMeridian(zone.zone) + Math.atan2(sinhEta, cosXi) / DEG,
    lat: Math.atan(tau) / DEG,
  };
}
