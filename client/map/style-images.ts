/**
 * Images the style refers to by id but ships without (the style has no sprite, so nothing is
 * fetched): the map controller draws them on a canvas when MapLibre first asks for one
 * ('styleimagemissing'). Camera symbols encode the kind twice, by shape and by colour, and the
 * status by fill, so none of it rests on colour alone:
 *
 *   kind     shape              status        fill
 *   dome     circle             online        solid
 *   fixed    square             maintenance   left half solid
 *   ptz      diamond            offline       empty, with a slash
 *   thermal  triangle
 *
 * Cluster counts are drawn as text images because the style has no glyphs either.
 */
import {
  CAMERA_KINDS,
  CAMERA_STATUSES,
  type CameraKind,
  type CameraStatus,
} from '../data/camera-features.js';
import { MAP_THEME } from './map-theme.js';

/** Logical size of a camera symbol, CSS pixels. */
export const CAMERA_ICON_SIZE = 20;

export type StyleImageSpec =
  { type: 'camera'; kind: CameraKind; status: CameraStatus } | { type: 'cluster-count'; text: string };

/** The id of a camera symbol, as the style's icon-image expression builds it. */
export function cameraIconId(kind: CameraKind, status: CameraStatus): string {
  return `camera:${kind}:${status}`;
}

/** The id of a cluster count label; `text` is MapLibre's point_count_abbreviated ('12', '3.4k'). */
export function clusterCountId(text: string): string {
  return `cluster-count:${text}`;
}

/** What an image id asks for, or null for ids this module does not draw. */
export function parseStyleImageId(id: string): StyleImageSpec | null {
  const camera = /^camera:([a-z]+):([a-z]+)$/.exec(id);
  if (camera) {
    const kind = camera[1] as CameraKind;
    const status = camera[2] as CameraStatus;
    if (CAMERA_KINDS.includes(kind) && CAMERA_STATUSES.includes(status))
      return { type: 'camera', kind, status };
    return null;
  }
  const cluster = /^cluster-count:([0-9.,]+[kM]?)$/.exec(id);
  if (cluster) return { type: 'cluster-count', text: cluster[1]! };
  return null;
}

/** The outline of a kind's shape in a box of `size` CSS px centred on (size/2, size/2). */
export function traceCameraShape(
  ctx: CanvasRenderingContext2D | Path2D,
  kind: CameraKind,
  size: number,
): void {
  const c = size / 2;
  switch (kind) {
    case 'dome':
      ctx.moveTo(c + size * 0.36, c);
      ctx.arc(c, c, size * 0.36, 0, Math.PI * 2);
      break;
    case 'fixed': {
      const h = size * 0.31;
      ctx.rect(c - h, c - h, 2 * h, 2 * h);
      break;
    }
    case 'ptz': {
      const h = size * 0.43;
      ctx.moveTo(c, c - h);
      ctx.lineTo(c + h, c);
      ctx.lineTo(c, c + h);
      ctx.lineTo(c - h, c);
      ctx.closePath();
      break;
    }
    case 'thermal': {
      const h = size * 0.4;
      ctx.moveTo(c, c - h);
      ctx.lineTo(c + h * 1.05, c + h * 0.75);
      ctx.lineTo(c - h * 1.05, c + h * 0.75);
      ctx.closePath();
      break;
    }
  }
}

/** Draws a camera symbol into a 2D context of `size` CSS px (already scaled for the pixel ratio). */
export function drawCameraIcon(
  ctx: CanvasRenderingContext2D,
  kind: CameraKind,
  status: CameraStatus,
  size: number,
) {
  const colour = MAP_THEME.camera[kind];
  const shape = new Path2D();
  traceCameraShape(shape, kind, size);
  ctx.lineJoin = 'round';
  if (status === 'online') {
    ctx.fillStyle = colour;
    ctx.fill(shape);
    ctx.strokeStyle = MAP_THEME.camera.outline;
    ctx.lineWidth = 1.5;
    ctx.stroke(shape);
    return;
  }
  ctx.fillStyle = MAP_THEME.camera.outline;
  ctx.fill(shape);
  if (status === 'maintenance') {
    ctx.save();
    ctx.clip(shape);
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, size / 2, size);
    ctx.restore();
  } else {
    ctx.save();
    ctx.clip(shape);
    ctx.strokeStyle = '#F4F7FA';
    ctx.lineWidth = 1.6;
    ctx.beginPath();
    ctx.moveTo(size * 0.2, size * 0.8);
    ctx.lineTo(size * 0.8, size * 0.2);
    ctx.stroke();
    ctx.restore();
  }
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2;
  ctx.stroke(shape);
}

export interface DrawnImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
  pixelRatio: number;
}

/** Draws the image an id asks for at the device pixel ratio, or returns null for unknown ids. */
export function drawStyleImage(id: string, pixelRatio: number): DrawnImage | null {
  const spec = parseStyleImageId(id);
  if (!spec) return null;
  const ratio = Math.max(1, Math.min(3, Math.round(pixelRatio)));
  const font = `700 ${12}px ${MAP_THEME.fontFamily}`;
  const canvas = document.createElement('canvas');
  // Read back at once (getImageData): a CPU-backed canvas, not a GPU one that each read has to wait
  // for — under software WebGL that wait lasted as long as the map's frame (~6 s over a pan of the
  // cameras' clusters).
  const probe = canvas.getContext('2d', { willReadFrequently: true });
  if (!probe) return null;
  let width: number;
  let height: number;
  if (spec.type === 'camera') {
    width = height = CAMERA_ICON_SIZE;
  } else {
    probe.font = font;
    width = Math.ceil(probe.measureText(spec.text).width) + 6;
    height = 16;
  }
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.scale(ratio, ratio);
  if (spec.type === 'camera') {
    drawCameraIcon(ctx, spec.kind, spec.status, CAMERA_ICON_SIZE);
  } else {
    ctx.font = font;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = MAP_THEME.camera.clusterText;
    ctx.fillText(spec.text, width / 2, height / 2 + 0.5);
  }
  const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { width: canvas.width, height: canvas.height, data: image.data, pixelRatio: ratio };
}
