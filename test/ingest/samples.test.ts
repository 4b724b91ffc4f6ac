import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../server/ingest/format-detect.js';
import { readBatch } from '../../server/ingest/read-batch.js';
import { INGEST_KINDS, recordSpec } from '../../server/ingest/record-schemas.js';
import { SAMPLES, sampleText } from './sources.js';

const volcanoGvps = new Set(
  fs
    .readFileSync('data/volcanoes.csv', 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',')[0])),
);

describe('data/samples', () => {
  it('imports cleanly, cameras first so that readings find them, with the row counts of the files', async () => {
    const cameraIds = new Set<string>();
    const counts: Record<string, number> = {};
    // Rows counted by hand in each file (incidents.synthetic.csv has 8 lines after the header, one row spans two).
    const expected = {
      'cameras.synthetic.csv': 7,
      'cameras.synthetic.geojson': 5,
      'incidents.synthetic.csv': 7,
      'incidents.synthetic.geojson': 5,
      'readings.synthetic.ndjson': 8,
      'readings.synthetic.csv': 6,
    };
    for (const file of Object.keys(expected)) {
      const kind = file.split('.')[0] as (typeof INGEST_KINDS)[number];
      const report = await readBatch(kind, fs.createReadStream(path.join(SAMPLES, file)), {
        format: detectFormat({ fileName: file }),
        mode: 'all-or-nothing',
        knownCameraIds: cameraIds,
        knownVolcanoGvps: volcanoGvps,
      });
      expect(report.rejected, file).toEqual([]);
      expect(report.commit, file).toBe(true);
      counts[file] = report.accepted.length;
      for (const record of report.accepted) {
        if ('kind' in record) cameraIds.add(record.externalId);
        expect(record.synthetic, `${file} labels its rows synthetic`).toBe(true);
      }
    }
    expect(counts).toEqual(expected);
  });

  it('names every file with .synthetic.', () => {
    const data = fs.readdirSync(SAMPLES).filter((f) => f !== 'README.md');
    expect(data.length).toBe(6);
    expect(data.filter((f) => !f.includes('.synthetic.'))).toEqual([]);
  });

  it('documents every column of every kind in the README', () => {
    const readme = sampleText('README.md');
    for (const kind of INGEST_KINDS) {
      for (const column of recordSpec(kind).columns)
        expect(readme, `${kind}.${column.name}`).toContain(`\`${column.name}\``);
    }
  });
});
