/**
 * Colours and sizes of the map, shared by the style (map-style.ts), the deck.gl labels and the
 * legend so that the legend always shows what the map draws. A dark operations-room theme:
 * low-luminance basemap so that the hazard layers carry the contrast.
 */
export const MAP_THEME = {
  ocean: '#08111A',
  land: '#222B35',
  coastline: '#46607A',
  countryBorder: '#7A8794',
  provinceLine: '#C9D3DD',
  regionFillOpacity: 0.3,
  regionLineWidth: 1.6,
  selectedLine: '#FFFFFF',
  center: { fill: '#F4F7FA', stroke: '#0B1620', zonalRadius: 6.5, localRadius: 4.5 },
  volcano: {
    monitoredFill: '#FF4B3E',
    monitoredStroke: '#FFFFFF',
    otherFill: '#E8A08F',
    otherStroke: '#0B1620',
  },
  /**
   * Cameras: one Okabe–Ito colour per kind (distinct under the common colour-vision deficiencies)
   * and one shape per kind as well, so kind never rests on colour alone (client/map/style-images.ts).
   */
  camera: {
    dome: '#56B4E9',
    fixed: '#E69F00',
    ptz: '#009E73',
    thermal: '#CC79A7',
    outline: '#0B1620',
    clusterFill: '#0E1B27',
    clusterStroke: '#D6E4F0',
    clusterText: '#F4F7FA',
  },
  /**
   * Rings of the volcanic alert levels (IG-EPN's white–yellow–orange–red scale). The ring's width
   * grows with the level and the label and details name it, so the level never rests on colour.
   */
  alertLevel: {
    white: { color: '#E8EDF2', width: 1.5 },
    yellow: { color: '#F0E442', width: 2.5 },
    orange: { color: '#E69F00', width: 3.5 },
    red: { color: '#D55E00', width: 4.5 },
  },
  label: {
    text: [236, 241, 246] as [number, number, number],
    volcanoText: [255, 196, 186] as [number, number, number],
    geography: [128, 146, 163] as [number, number, number],
    halo: [11, 22, 32] as [number, number, number],
  },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
} as const;
