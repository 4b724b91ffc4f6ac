/**
 * The privacy masks the coverage service holds: each camera's masked cells, their union, and each
 * camera's footprint with its masks applied (privacy-mask.ts).
 *
 * Two rules, both in README "Privacy":
 * - a camera's own masks come out of its footprint before it is counted, so counts, figures, the
 *   GeoTIFF exports and the camera's coverage never include its view of a masked area, while a
 *   cell another camera sees without a mask stays covered by that one;
 * - hypothetical cameras (what-if, siting candidates) gain nothing in any camera's masked area,
 *   and gaps leave masked cells out, so no answer outlines a mask through the cells around it.
 *
 * Masks are immutable rows (a PUT replaces a camera's set with new ids), so a mask is rasterised
 * once per id and a camera's masked footprint is rebuilt only when its footprint or its masks change.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import type { CoverageGrid } from '../coverage/coverage-grid.js';
import type { Footprint } from '../coverage/network-coverage.js';
import { applyMask, hasCell, maskCells, unionOfCells, withoutCells } from './privacy-mask.js';

/** A stored mask as the coverage service needs it. */
export interface CameraMask {
  id: number;
  /** The camera's external id (the coverage service's key). */
  cameraExternalId: string;
  geometry: Polygon | MultiPolygon;
}

interface MaskedEntry {
  source: Footprint;
  cells: Uint32Array;
  masked: Footprint;
}

const NONE = new Uint32Array(0);

export class CameraMasks {
  /** What the loaded masks were read at (privacy-store.ts maskRevision); null before the first load. */
  revision: string | null = null;
  private gridKey: string | null = null;
  private readonly rasterised = new Map<number, Uint32Array>();
  private byCamera = new Map<string, { ids: string; cells: Uint32Array }>();
  private all: Uint32Array = NONE;
  private readonly maskedCache = new Map<string, MaskedEntry>();

  /** Replaces the held masks; rasterises only those not seen before on this grid. */
  load(grid: CoverageGrid, revision: string, masks: readonly CameraMask[]): void {
    if (this.gridKey !== grid.key) {
      this.rasterised.clear();
      this.byCamera.clear();
      this.maskedCache.clear();
      this.gridKey = grid.key;
    }
    const live = new Set<number>();
    const lists = new Map<string, { ids: number[]; cells: Uint32Array[] }>();
    for (const m of masks) {
      live.add(m.id);
      let cells = this.rasterised.get(m.id);
      if (!cells) {
        cells = maskCells(grid, m.geometry);
        this.rasterised.set(m.id, cells);
      }
      const list = lists.get(m.cameraExternalId);
      if (list) {
        list.ids.push(m.id);
        list.cells.push(cells);
      } else lists.set(m.cameraExternalId, { ids: [m.id], cells: [cells] });
    }
    for (const id of [...this.rasterised.keys()]) if (!live.has(id)) this.rasterised.delete(id);
    const byCamera = new Map<string, { ids: string; cells: Uint32Array }>();
    for (const [camera, l] of lists) {
      const ids = l.ids.sort((a, b) => a - b).join(',');
      // Unchanged masks keep their cell list, so masked footprints keep their identity.
      const held = this.byCamera.get(camera);
      byCamera.set(camera, held?.ids === ids ? held : { ids, cells: unionOfCells(l.cells) });
    }
    this.byCamera = byCamera;
    this.all = unionOfCells([...byCamera.values()].map((e) => e.cells));
    this.revision = revision;
  }

  /** Number of cameras with at least one mask. */
  get maskedCameras(): number {
    return this.byCamera.size;
  }

  /** A camera's masked cells, ascending (empty without masks). */
  cellsOf(cameraExternalId: string): Uint32Array {
    return this.byCamera.get(cameraExternalId)?.cells ?? NONE;
  }

  /** Every camera's masked cells together, ascending. */
  allCells(): Uint32Array {
    return this.all;
  }

  /** Whether any camera masks this cell. */
  isMasked(cell: number): boolean {
    return this.all.length > 0 && hasCell(this.all, cell);
  }

  /**
   * A network camera's footprint with its own masks applied. The same object comes back while
   * neither the footprint nor the camera's masks change (NetworkCoverage compares by identity).
   */
  footprintOf(cameraExternalId: string, footprint: Footprint): Footprint {
    const cells = this.cellsOf(cameraExternalId);
    if (cells.length === 0) {
      this.maskedCache.delete(cameraExternalId);
      return footprint;
    }
    const held = this.maskedCache.get(cameraExternalId);
    if (held && held.source === footprint && held.cells === cells) return held.masked;
    const masked = applyMask(footprint, cells);
    this.maskedCache.set(cameraExternalId, { source: footprint, cells, masked });
    return masked;
  }

  /** A hypothetical camera's footprint (what-if, siting) without any camera's masked cells. */
  hypothetical(footprint: Footprint): Footprint {
    return applyMask(footprint, this.all);
  }

  /** Cells of a sorted list no camera masks. */
  unmasked(cells: Uint32Array): Uint32Array {
    return withoutCells(cells, this.all);
  }

  /** Forgets a camera's cached masked footprint (the camera left the network). */
  forget(cameraExternalId: string): void {
    this.maskedCache.delete(cameraExternalId);
  }
}
