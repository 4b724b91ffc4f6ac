-- Coverage: the cached footprint of each camera (the coverage-grid cells its viewshed sees and
-- the image quality at each), so that a restart reads footprints instead of recomputing them.
-- A footprint is valid for one grid (grid_key: the DEM tiers it was computed on) and one set of
-- position and optics (optics_key); the server recomputes it when either changes. A deleted
-- camera takes its footprint with it. See server/coverage/network-coverage.ts and
-- server/db/coverage-store.ts (cells are delta-encoded varints).

CREATE TABLE coverage_footprints (
  camera_id   bigint PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
  grid_key    text NOT NULL,
  optics_key  text NOT NULL,
  tier        smallint CHECK (tier >= 0),            -- the DEM tier the viewshed ran on; NULL: none
  skipped     text CHECK (skipped IN ('no-terrain', 'nodata')),
  cell_count  integer NOT NULL CHECK (cell_count >= 0),
  cells       bytea NOT NULL,                          -- ascending cell indices, LEB128 deltas
  dori        bytea NOT NULL CHECK (length(dori) = cell_count),  -- DORI class index per cell
  computed_ms real NOT NULL CHECK (computed_ms >= 0),
  computed_at timestamptz NOT NULL DEFAULT now()
);
