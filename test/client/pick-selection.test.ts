import { describe, expect, it } from 'vitest';
import { pickSelection, type RenderedHit } from '../../client/map/pick-selection.js';

const region: RenderedHit = { layer: { id: 'regions-fill' }, properties: { centerId: 'ambato' } };
const province: RenderedHit = { layer: { id: 'provinces-fill' }, properties: { code: 'EC18' } };
const volcano: RenderedHit = { layer: { id: 'volcanoes-circle' }, properties: { gvpNumber: 352080 } };
const center: RenderedHit = { layer: { id: 'centers-circle' }, properties: { id: 'ambato' } };
const camera: RenderedHit = { layer: { id: 'cameras-point' }, properties: { externalId: 'SYN-CAM-000011' } };
const cluster: RenderedHit = { layer: { id: 'cameras-cluster-circle' }, properties: { cluster_id: 3 } };

describe('pickSelection', () => {
  it('prefers a point over the area it sits in, and a volcano over a center', () => {
    expect(pickSelection([region, province, center, volcano])).toEqual({ kind: 'volcano', id: '352080' });
    expect(pickSelection([region, center])).toEqual({ kind: 'center', id: 'ambato' });
  });

  it('prefers a camera to anything under it, and never selects a cluster', () => {
    expect(pickSelection([volcano, region, camera])).toEqual({ kind: 'camera', id: 'SYN-CAM-000011' });
    expect(pickSelection([cluster, region])).toEqual({ kind: 'region', id: 'ambato' });
  });

  it('prefers the region to the province when both are on', () => {
    expect(pickSelection([province, region])).toEqual({ kind: 'region', id: 'ambato' });
    expect(pickSelection([province])).toEqual({ kind: 'province', id: 'EC18' });
  });

  it('returns null for a click on nothing selectable (which clears the selection)', () => {
    expect(pickSelection([])).toBeNull();
    expect(pickSelection([{ layer: { id: 'land-fill' }, properties: {} }])).toBeNull();
  });
});
