import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCenters, parseEruptionYear, parseVolcanoes } from '../../../server/seed/reference-data.js';
import { DATA_DIR } from '../../setup/test-database.js';

const read = (file: string) => readFileSync(path.join(DATA_DIR, file), 'utf8');

describe('parseEruptionYear', () => {
  it('reads CE years as positive and BCE years as negative', () => {
    expect(parseEruptionYear('2024 CE')).toBe(2024);
    expect(parseEruptionYear('6650 BCE')).toBe(-6650);
  });
  it('returns null for Unknown and malformed values', () => {
    expect(parseEruptionYear('Unknown')).toBeNull();
    expect(parseEruptionYear('')).toBeNull();
    expect(parseEruptionYear('about 1900')).toBeNull();
  });
});

describe('parseVolcanoes (Smithsonian GVP list)', () => {
  const volcanoes = parseVolcanoes(read('volcanoes.csv'));

  it('reads all 36 Holocene volcanoes, quoted names with commas included', () => {
    expect(volcanoes).toHaveLength(36);
    expect(volcanoes.map((v) => v.name)).toContain('Negra, Sierra');
  });

  it('monitors those that erupted since 1900 and stand above sea level', () => {
    // Worked out from data/volcanoes.csv by hand: the Galápagos Rift (1996 CE) is submarine.
    const monitored = volcanoes
      .filter((v) => v.monitored)
      .map((v) => v.name)
      .sort();
    expect(monitored).toEqual(
      [
        'Alcedo',
        'Azul, Cerro',
        'Chiles-Cerro Negro',
        'Cotopaxi',
        'Fernandina',
        'Guagua Pichincha',
        'Marchena',
        'Negra, Sierra',
        'Pinta',
        'Reventador',
        'Sangay',
        'Santiago',
        'Tungurahua',
        'Wolf',
      ].sort(),
    );
  });

  it('keeps GVP positions and elevations', () => {
    const cotopaxi = volcanoes.find((v) => v.name === 'Cotopaxi')!;
    expect(cotopaxi.gvpNumber).toBe(352050);
    expect(cotopaxi.elevationM).toBe(5911);
    expect(cotopaxi.position[0]).toBeCloseTo(-78.436, 3);
    expect(cotopaxi.position[1]).toBeCloseTo(-0.677, 3);
  });

  it('names the line and column of a bad row', () => {
    const bad =
      'gvp_number,name,country,region,primary_type,last_known_eruption,lat,lon,elevation_m\n1,X,Ecuador,R,T,Unknown,0.1,-78,abc\n';
    expect(() => parseVolcanoes(bad)).toThrow('volcanoes.csv line 2: elevation_m "abc" is not a number');
  });
});

describe('parseCenters', () => {
  const centers = parseCenters(read('centers.csv'));

  it('reads the 16 centers, 7 zonal and 9 local', () => {
    expect(centers).toHaveLength(16);
    expect(centers.filter((c) => c.kind === 'zonal')).toHaveLength(7);
  });

  it('assigns each of the 24 provinces to exactly one center', () => {
    const all = centers.flatMap((c) => c.provinces);
    expect(all).toHaveLength(24);
    expect(new Set(all).size).toBe(24);
  });

  it('rejects an unknown kind, naming the line', () => {
    const bad = 'center_id,name,kind,city,lon,lat,provinces\nx,X,regional,C,-78,0,Pichincha\n';
    expect(() => parseCenters(bad)).toThrow(
      'centers.csv line 2: kind must be zonal or local, got "regional"',
    );
  });
});
