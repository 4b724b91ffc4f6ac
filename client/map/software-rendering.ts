/**
 * What the map does differently when WebGL runs in software (SwiftShader, llvmpipe, Microsoft Basic
 * Render Driver: machines without a usable GPU, headless browsers, some virtual desktops). Such a
 * renderer draws every pixel on the CPU, so a frame costs in proportion to the pixels drawn: at
 * 1366×768 a full-screen layer is ~1 M fragment-shader runs, and the flat map with every layer on
 * drew at ~2 frames a second.
 *
 * On such a renderer only (nothing changes on a GPU):
 * - no multisampling (MSAA): 4 samples a pixel more than doubled the frame time (p50 755 → 348 ms
 *   panning the flat map with every layer). MapLibre smooths its lines and circles in the shaders,
 *   as deck.gl does its dots and labels; polygon edges are drawn under outlines;
 * - the alert markers pulse at SOFTWARE_PULSE_FRAME_MS instead of ~20 frames a second: each pulse
 *   frame redraws the whole map, which such a renderer cannot do 20 times a second anyway.
 *
 * Not done: drawing at a lower pixel ratio while the map moves. It halved the frame times, but
 * deck.gl's labels in the interleaved overlay came out at the wrong size at the lower ratio.
 */

/** Renderer names of software WebGL implementations (WEBGL_debug_renderer_info's UNMASKED_RENDERER). */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** Whether a WebGL renderer string names a software implementation. */
export function isSoftwareRenderer(renderer: string): boolean {
  return SOFTWARE_RENDERER.test(renderer);
}

/** The renderer behind a WebGL context, unmasked when the browser allows it ('' if unknown). */
export function rendererName(gl: WebGLRenderingContext | WebGL2RenderingContext): string {
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const unmasked: unknown = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : null;
  const renderer: unknown = gl.getParameter(gl.RENDERER);
  return [unmasked, renderer].filter((v): v is string => typeof v === 'string').join(' ');
}

/** Time between two frames of the alert markers' pulse on a software renderer, ms (4 a second). */
export const SOFTWARE_PULSE_FRAME_MS = 250;

let detected: boolean | null = null;

/**
 * Whether this browser's WebGL 2 is a software renderer, asked once of a 1×1 throwaway context
 * (lost at once). The map's own context is created after this answer, because multisampling is
 * chosen at creation. The first WebGL context of a page pays for opening the GPU channel (~0.2–0.4
 * s under SwiftShader) whichever context it is, so main.tsx asks while the page's main chunk is
 * still downloading and parsing; the map's context, second, then takes tens of milliseconds.
 */
export function softwareWebGl(): boolean {
  if (detected !== null) return detected;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const gl = canvas.getContext('webgl2', { antialias: false, depth: false, stencil: false });
  detected = gl ? isSoftwareRenderer(rendererName(gl)) : false;
  gl?.getExtension('WEBGL_lose_context')?.loseContext();
  return detected;
}
