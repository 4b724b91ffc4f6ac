/** Text settings shared by every deck.gl label layer (fonts are drawn at run time from local system fonts). */
import type { TextLayerProps } from '@deck.gl/layers';
import { MAP_THEME } from '../map/map-theme.js';

/** Printable ASCII plus the letters and signs of Spanish place names. */
export const LABEL_CHARACTER_SET: string[] = [
  ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)),
  ...'áéíóúüñÁÉÍÓÚÜÑ¿¡°–·’−',
];

export const LABEL_TEXT_PROPS = {
  fontFamily: MAP_THEME.fontFamily,
  // One weight for every label layer, so they share one atlas. At weight 500 (synthesised from the
  // regular face on Linux system fonts) thin glyphs such as 'i' and 'l' vanished at 11–12 px.
  fontWeight: 600,
  // A fixed set, so each font atlas is drawn once: with 'auto', layers sharing an atlas extend it
  // incrementally and glyphs went missing under SwiftShader ("texSubImage2D: no canvas").
  characterSet: LABEL_CHARACTER_SET,
  // Signed-distance-field atlas, so the labels can carry a halo (outline) for legibility over any fill.
  fontSettings: { sdf: true, fontSize: 64, buffer: 4, radius: 12, cutoff: 0.25, smoothing: 0.15 },
  outlineWidth: 0.22,
  outlineColor: [...MAP_THEME.label.halo, 235],
  billboard: true,
  // Glyph quads overlap (SDF padding); with the interleaved overlay's depth test a later glyph can
  // fail against an earlier one's padding and vanish, so labels neither write nor test depth.
  parameters: { depthWriteEnabled: false, depthCompare: 'always' },
  sizeUnits: 'pixels',
  pickable: false,
} satisfies Partial<TextLayerProps>;
