/**
 * Terrarium elevation encoding (Mapzen/Tilezen "Terrain Tiles", the encoding MapLibre calls
 * `terrarium` on a raster-dem source):
 *
 *   height = R·256 + G + B/256 − 32768   (metres)
 *
 * Chosen over Mapbox terrain-RGB because its step is finer (1/256 m against 0.1 m), it reaches
 * the sea floor (−32768 m) without an offset to remember, and it is the open encoding of the AWS
 * terrain tiles. https://github.com/tilezen/joerd/blob/master/docs/formats.md
 */

/** Smallest height step the encoding holds, metres. */
export const TERRARIUM_STEP_M = 1 / 256;
/** Lowest and highest heights it holds, metres. */
export const TERRARIUM_MIN_M = -32768;
export const TERRARIUM_MAX_M = 65536 - 32768 - TERRARIUM_STEP_M;

/**
 * Height step of the served terrain tiles, metres: a quarter of SRTM's own 1 m vertical resolution.
 * The finer 1/256 m steps only record the fractions bilinear resampling invents, and they are noise
 * to deflate: on the built pyramid quarter-metre steps make the PNGs 39% smaller (131 → 80 kB a
 * tile on average), which a map pays on every pan, while a step of 0.25 m over a 76 m pixel (zoom
 * 11, the finest) is a slope of 0.19°, below what hillshade shows.
 */
export const TILE_HEIGHT_STEP_M = 0.25;

/**
 * Encodes heights as interleaved RGB bytes (3 per height), rounded to the nearest multiple of
 * `stepM` and clamped to the encodable range. NaN encodes as 0 m.
 * @param heights metres, row-major
 * @param stepM height step, metres: 1/256 (the encoding's finest, the default) times a power of two
 */
export function encodeTerrarium(heights: ArrayLike<number>, stepM: number = TERRARIUM_STEP_M): Uint8Array {
  // Work in 1/256 m units so that one integer holds all three bytes.
  const units = stepM * 256;
  if (!(Number.isInteger(units) && units >= 1 && (units & (units - 1)) === 0 && units <= 256)) {
    throw new Error(`Terrarium step must be 1/256 m times a power of two up to 1 m; got ${stepM} m`);
  }
  const rgb = new Uint8Array(heights.length * 3);
  for (let i = 0, o = 0; i < heights.length; i++, o += 3) {
    const h = heights[i] as number;
    let v = Math.round(((h === h ? h : 0) + 32768) * (256 / units)) * units;
    if (v < 0) v = 0;
    else if (v > 0xffffff) v = 0xffffff - (0xffffff % units);
    rgb[o] = v >>> 16;
    rgb[o + 1] = (v >>> 8) & 0xff;
    rgb[o + 2] = v & 0xff;
  }
  return rgb;
}

/** Height in metres of one Terrarium pixel. */
export function decodeTerrarium(r: number, g: number, b: number): number {
  return r * 256 + g + b / 256 - 32768;
}
