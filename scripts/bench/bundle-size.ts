/**
 * The client bundle as shipped: every JS and CSS file in dist/client, raw and gzipped. Budget:
 * 1.5 MB gzip for the map client (MapLibre ≈ 250 kB and deck.gl ≈ 400 kB gzip of it).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { report } from './report.js';

const DIST = path.resolve(import.meta.dirname, '../../dist/client');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

export function bundleSize(): boolean {
  if (!existsSync(DIST)) {
    console.log('SKIP  client bundle: run `npm run build` first');
    return true;
  }
  let raw = 0;
  let gz = 0;
  for (const f of files(DIST).filter((f) => /\.(js|mjs|css)$/.test(f))) {
    const bytes = readFileSync(f);
    raw += bytes.length;
    gz += gzipSync(bytes, { level: 9 }).length;
  }
  return report({
    name: 'client bundle (JS + CSS, gzip)',
    value: gz / 1024,
    unit: 'kB',
    budget: { value: 1536, better: 'lower' },
    baseline: { name: 'uncompressed', value: raw / 1024 },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(bundleSize() ? 0 : 1);
