-- Privacy by design: privacy masks per camera. A mask is an area one camera must not be shown to
-- see (a home, a school yard, a clinic): its cells are taken out of that camera's footprint before
-- anything is counted, drawn or exported (server/privacy/privacy-mask.ts, README "Privacy").
-- Masks are replaced as a set per camera (PUT /api/cameras/{id}/privacy-masks), never edited in
-- place, so a new mask always has a new id and the coverage service can tell what changed from
-- the ids alone. A deleted camera takes its masks with it.
--
-- Retention (server/retention/) needs no table: its runs are written to audit_log.

CREATE TABLE privacy_masks (
  id          bigserial PRIMARY KEY,
  camera_id   bigint NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  geom        geometry(MultiPolygon, 4326) NOT NULL
                CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom) AND ST_Area(geom) > 0),
  reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
  created_by  text NOT NULL CHECK (length(created_by) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX privacy_masks_camera ON privacy_masks (camera_id, id);
CREATE INDEX privacy_masks_geom_gist ON privacy_masks USING gist (geom);
