/**
 * npm run build-terrain and npm run import-dem end to end on the real SRTM crops: the TileJSON
 * MapLibre reads, the tiles on disk, and the idempotence that lets the build run at every start.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTerrain } from '../../scripts/build-terrain-tiles.js';
import { importDemGeoTiff } from '../../server/terrain/import-geotiff.js';
import { COAST_9S, COTOPAXI_3S, COTOPAXI_9S, scratchDir } from './geotiff-fixtures.js';

const scratch = scratchDir('build-terrain');
afterAll(() => scratch.cleanup());
const quiet = () => {};

describe('buildTerrain', () => {
  it('writes Terrarium PNG tiles and a TileJSON with bounds, zooms, encoding and the SRTM credit', async () => {
    const demDir = path.join(scratch.dir, 'dem');
    const outDir = path.join(scratch.dir, 'tiles');
    for (const f of [COTOPAXI_3S, COTOPAXI_9S, COAST_9S]) {
      await importDemGeoTiff(f, demDir, {
        licence: 'SRTM: public domain (NASA/USGS)',
        attribution: 'SRTM, NASA',
      });
    }
    const result = await buildTerrain({ demDir, outDir, importFiles: [], log: quiet });
    expect(result.upToDate).toBe(false);
    const tj = JSON.parse(readFileSync(path.join(outDir, 'tiles.json'), 'utf8'));
    expect(tj).toMatchObject({
      tilejson: '3.0.0',
      scheme: 'xyz',
      encoding: 'terrarium',
      tileSize: 256,
      minzoom: 0,
      maxzoom: 11,
      attribution: 'SRTM, NASA',
      tiles: ['/tiles/terrain/{z}/{x}/{y}.png'],
      bounds: [-81.1, -3.8, -78.2, -0.4],
    });
    expect(tj.atalaya.tiles).toBe(result.tiles);
    expect(
      tj.atalaya.sources.map((s: { name: string; maxzoom: number }) => [s.name, s.maxzoom]),
    ).toContainEqual(['cotopaxi-3s', 11]);
    // Every tile is a 256×256 RGB PNG; the z11 one holding Cotopaxi rises above 5000 m.
    const png = decode(readFileSync(path.join(outDir, '11', '577', '1027.png')));
    expect([png.width, png.height, png.channels]).toEqual([256, 256, 3]);
    const d = png.data as Uint8Array;
    let top = -Infinity;
    const blues = new Set<number>();
    for (let k = 0; k < d.length; k += 3) {
      top = Math.max(top, d[k]! * 256 + d[k + 1]! + d[k + 2]! / 256 - 32768);
      blues.add(d[k + 2]!);
    }
    // Heights in quarter metres: the blue byte holds 0, ¼, ½ or ¾ m.
    expect([...blues].sort((a, b) => a - b)).toEqual([0, 64, 128, 192]);
    expect(top).toBeGreaterThan(5000);
    expect(top).toBeLessThan(6000);
    expect(existsSync(path.join(outDir, '12'))).toBe(false);
    expect(readFileSync(path.join(outDir, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
  });

  it('re-imports a GeoTIFF only when its bytes change, and rebuilds tiles only then (or when forced)', async () => {
    const demDir = path.join(scratch.dir, 'dem2');
    const outDir = path.join(scratch.dir, 'tiles2');
    const tif = path.join(scratch.dir, 'area.tif');
    copyFileSync(COAST_9S, tif);
    const first = await buildTerrain({ demDir, outDir, importFiles: [tif], log: quiet });
    expect([first.upToDate, first.imported]).toEqual([false, [tif]]);
    const tileFile = path.join(outDir, '9', '140', '261.png');
    const written = statSync(tileFile).mtimeMs;

    const again = await buildTerrain({ demDir, outDir, importFiles: [tif], log: quiet });
    expect([again.upToDate, again.imported, again.tiles]).toEqual([true, [], first.tiles]);
    expect(statSync(tileFile).mtimeMs).toBe(written);

    const forced = await buildTerrain({ demDir, outDir, importFiles: [tif], force: true, log: quiet });
    expect([forced.upToDate, forced.imported]).toEqual([false, []]);

    copyFileSync(COTOPAXI_9S, tif);
    const changed = await buildTerrain({ demDir, outDir, importFiles: [tif], log: quiet });
    expect([changed.upToDate, changed.imported]).toEqual([false, [tif]]);
    expect(existsSync(tileFile)).toBe(false); // the coast is gone with the old data
    expect(existsSync(path.join(outDir, '9', '144', '256.png'))).toBe(true);
  });
});

describe('npm run import-dem', () => {
  const cli = path.join(import.meta.dirname, '..', '..', 'scripts', 'import-dem.ts');
  const tsx = path.join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');

  it('imports a GeoTIFF and reports the grid', () => {
    const out = spawnSync(
      tsx,
      [cli, COTOPAXI_3S, '--out-dir', path.join(scratch.dir, 'cli'), '--name', 'c3'],
      { encoding: 'utf8' },
    );
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/300×300 int16 cells in 2×2 tiles of 256, EPSG:4326/);
    expect(existsSync(path.join(scratch.dir, 'cli', 'c3', 'tiles.bin'))).toBe(true);
  });

  it('exits 1 naming the fault for a file that is not a GeoTIFF', () => {
    const out = spawnSync(
      tsx,
      [cli, path.join(import.meta.dirname, '..', 'fixtures', 'terrain', 'README.md')],
      { encoding: 'utf8' },
    );
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/import-dem: .*README\.md: not a GeoTIFF: it starts with bytes 23 20 54 65/);
  });
});
