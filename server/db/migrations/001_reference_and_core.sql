-- Atalaya schema, part 1: reference geography, the camera network, readings, incidents,
-- alerting, audit and tokens. Every geometry is EPSG:4326; areas and lengths are computed on
-- the WGS 84 ellipsoid through ::geography (exact anywhere in Ecuador, Galápagos included),
-- so no single UTM zone has to be chosen for national figures. See README "Coordinates".

CREATE EXTENSION IF NOT EXISTS postgis;

-- ---------------------------------------------------------------- reference geography

CREATE TABLE centers (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]*$'),
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('zonal', 'local')),
  city        text NOT NULL,
  geom        geometry(Point, 4326) NOT NULL
);

CREATE TABLE provinces (
  code         text PRIMARY KEY CHECK (code ~ '^EC[0-9]{2}$'),
  name         text NOT NULL UNIQUE,
  canton_count integer NOT NULL CHECK (canton_count > 0),
  center_id    text REFERENCES centers (id),
  area_km2     double precision NOT NULL CHECK (area_km2 > 0),
  geom         geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom))
);
CREATE INDEX provinces_geom_gist ON provinces USING gist (geom);

CREATE TABLE cantons (
  code          text PRIMARY KEY,
  name          text NOT NULL,
  province_code text REFERENCES provinces (code),  -- NULL for the undelimited zones (EC90)
  geom          geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX cantons_geom_gist ON cantons USING gist (geom);

-- The area a regional center serves: the union of its provinces, computed in the database.
CREATE TABLE regions (
  center_id  text PRIMARY KEY REFERENCES centers (id) ON DELETE CASCADE,
  name       text NOT NULL,
  area_km2   double precision NOT NULL CHECK (area_km2 > 0),
  geom       geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX regions_geom_gist ON regions USING gist (geom);

CREATE TABLE volcanoes (
  gvp_number          integer PRIMARY KEY,
  name                text NOT NULL,
  country             text NOT NULL,
  volcanic_region     text NOT NULL,
  primary_type        text NOT NULL,
  last_known_eruption text NOT NULL,
  last_eruption_year  integer,          -- parsed from last_known_eruption; negative for BCE
  elevation_m         integer NOT NULL,
  monitored           boolean NOT NULL DEFAULT false,  -- carries thermal cameras
  geom                geometry(Point, 4326) NOT NULL
);
CREATE INDEX volcanoes_geom_gist ON volcanoes USING gist (geom);

-- ---------------------------------------------------------------- camera network

CREATE TABLE cameras (
  id              bigserial PRIMARY KEY,
  external_id     text NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 100),
  name            text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('dome', 'fixed', 'ptz', 'thermal')),
  status          text NOT NULL DEFAULT 'online' CHECK (status IN ('online', 'offline', 'maintenance')),
  geom            geometry(Point, 4326) NOT NULL,
  mount_height_m  real NOT NULL CHECK (mount_height_m >= 0 AND mount_height_m <= 500),
  azimuth_deg     real NOT NULL CHECK (azimuth_deg >= 0 AND azimuth_deg < 360),
  hfov_deg        real NOT NULL CHECK (hfov_deg > 0 AND hfov_deg <= 360),
  vfov_deg        real NOT NULL CHECK (vfov_deg > 0 AND vfov_deg <= 180),
  tilt_deg        real NOT NULL DEFAULT 0 CHECK (tilt_deg >= -90 AND tilt_deg <= 90),
  range_m         real NOT NULL CHECK (range_m > 0 AND range_m <= 50000),
  resolution_h_px integer NOT NULL CHECK (resolution_h_px > 0),
  resolution_v_px integer NOT NULL CHECK (resolution_v_px > 0),
  install_date    date,
  unit_cost_usd   numeric(12, 2) CHECK (unit_cost_usd >= 0),
  volcano_gvp     integer REFERENCES volcanoes (gvp_number),
  synthetic       boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cameras_geom_gist ON cameras USING gist (geom);
CREATE INDEX cameras_kind_status ON cameras (kind, status);
CREATE INDEX cameras_volcano ON cameras (volcano_gvp) WHERE volcano_gvp IS NOT NULL;

-- One row per camera and instant. quality gates the rules: an obscured frame (cloud, fog)
-- neither fires nor resolves a thermal rule.
CREATE TABLE thermal_readings (
  camera_id   bigint NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
  ts          timestamptz NOT NULL,
  max_temp_c  real NOT NULL CHECK (max_temp_c BETWEEN -80 AND 1500),
  mean_temp_c real CHECK (mean_temp_c BETWEEN -80 AND 1500),
  quality     text NOT NULL DEFAULT 'ok' CHECK (quality IN ('ok', 'obscured', 'invalid')),
  synthetic   boolean NOT NULL DEFAULT false,
  PRIMARY KEY (camera_id, ts)
);
CREATE INDEX thermal_readings_ts_brin ON thermal_readings USING brin (ts);

CREATE TABLE incidents (
  id          bigserial PRIMARY KEY,
  external_id text NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 100),
  category    text NOT NULL CHECK (category IN ('traffic', 'medical', 'fire', 'security', 'natural_hazard', 'other')),
  priority    smallint CHECK (priority BETWEEN 1 AND 5),
  occurred_at timestamptz NOT NULL,
  geom        geometry(Point, 4326) NOT NULL,
  description text CHECK (length(description) <= 2000),
  synthetic   boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_occurred_brin ON incidents USING brin (occurred_at);
CREATE INDEX incidents_occurred_btree ON incidents (occurred_at, id);
CREATE INDEX incidents_geom_gist ON incidents USING gist (geom);

-- ---------------------------------------------------------------- alerting

CREATE TABLE alert_rules (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  kind        text NOT NULL CHECK (kind IN ('thermal_threshold', 'thermal_rate', 'thermal_anomaly',
                                            'incident_surge', 'stale_sensor', 'coverage_loss')),
  severity    text NOT NULL CHECK (severity IN ('white', 'yellow', 'orange', 'red',
                                                'advisory', 'watch', 'warning')),
  scope       jsonb NOT NULL,
  params      jsonb NOT NULL,
  labels      jsonb NOT NULL DEFAULT '{}'::jsonb,
  enabled     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alerts (
  id              bigserial PRIMARY KEY,
  rule_id         bigint NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  scope_key       text NOT NULL,
  state           text NOT NULL CHECK (state IN ('pending', 'firing', 'resolved', 'error')),
  severity        text NOT NULL,
  started_at      timestamptz NOT NULL,
  firing_at       timestamptz,
  resolved_at     timestamptz,
  last_eval_at    timestamptz NOT NULL,
  evidence        jsonb NOT NULL DEFAULT '{}'::jsonb,
  geom            geometry(Geometry, 4326),
  acknowledged_by text,
  acknowledged_at timestamptz,
  assigned_to     text,
  silenced_until  timestamptz,
  silence_reason  text,
  version         integer NOT NULL DEFAULT 1
);
-- Dedupe: at most one open alert per rule and scope key.
CREATE UNIQUE INDEX alerts_open_per_scope ON alerts (rule_id, scope_key) WHERE state <> 'resolved';
CREATE INDEX alerts_state ON alerts (state, last_eval_at DESC);

CREATE TABLE alert_events (
  id        bigserial PRIMARY KEY,
  alert_id  bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  at        timestamptz NOT NULL DEFAULT now(),
  kind      text NOT NULL,
  actor     text,
  data      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX alert_events_alert ON alert_events (alert_id, id);

-- ---------------------------------------------------------------- trust

CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  action      text NOT NULL,
  entity      text NOT NULL,
  entity_id   text,
  before      jsonb,
  after       jsonb,
  request_id  text
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Append-only: the log can be read and exported, never edited.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE api_tokens (
  id           bigserial PRIMARY KEY,
  name         text NOT NULL,
  role         text NOT NULL CHECK (role IN ('viewer', 'operator', 'analyst', 'admin')),
  token_hash   text NOT NULL UNIQUE,  -- sha-256 of the secret; the secret is shown once
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
