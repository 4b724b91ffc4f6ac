/**
 * Colours of the 16 regional centers' areas. Sixteen hues cannot all be told apart by people with
 * colour-vision deficiency, so the map uses the 7 colours of the Okabe–Ito palette (Okabe & Ito,
 * "Color Universal Design", 2008; the palette recommended by Wong, Nature Methods 8:441, 2011)
 * and assigns them so that no two neighbouring regions share one (a map colouring; the unit test
 * test/client/region-palette.test.ts checks it against data/provinces.geojson). Names tell
 * regions apart in the legend and the info panel.
 */

export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
} as const;

/** Colour of a center id whose region is not in the table (a center added later). */
export const UNASSIGNED_REGION_COLOR = '#9AA5B1';

/** Center id → region colour. Hand-assigned map colouring; see the module comment. */
export const REGION_COLORS: Readonly<Record<string, string>> = {
  quito: OKABE_ITO.skyBlue,
  samborondon: OKABE_ITO.skyBlue,
  ambato: OKABE_ITO.orange,
  portoviejo: OKABE_ITO.orange,
  tena: OKABE_ITO.bluishGreen,
  esmeraldas: OKABE_ITO.bluishGreen,
  loja: OKABE_ITO.bluishGreen,
  nueva_loja: OKABE_ITO.yellow,
  riobamba: OKABE_ITO.yellow,
  ibarra: OKABE_ITO.reddishPurple,
  babahoyo: OKABE_ITO.reddishPurple,
  machala: OKABE_ITO.reddishPurple,
  santo_domingo: OKABE_ITO.vermillion,
  macas: OKABE_ITO.vermillion,
  cuenca: OKABE_ITO.blue,
  san_cristobal: OKABE_ITO.blue,
};

/** The region colour of a center id (hex '#RRGGBB'). */
export function regionColor(centerId: string): string {
  return REGION_COLORS[centerId] ?? UNASSIGNED_REGION_COLOR;
}

/** '#RRGGBB' → [r, g, b] in 0–255, for deck.gl accessors. */
export function hexToRgb(hex: string): [number, number, number] {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`Invalid hex colour: ${JSON.stringify(hex)}`);
  return [
    parseInt(match[1] as string, 16),
    parseInt(match[2] as string, 16),
    parseInt(match[3] as string, 16),
  ];
}
