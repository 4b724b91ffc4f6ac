-- Data versions and the incident change log: what lets the server keep an in-memory copy of the
-- incidents exactly in sync (server/incidents/incident-snapshot.ts) and reuse what it derives from
-- the cameras, at the cost of one primary-key lookup per request.
--
-- Every statement that changes incidents or cameras bumps its row of data_versions with
--   UPDATE data_versions SET version = version + 1 WHERE name = … RETURNING version
-- from a statement-level AFTER trigger. That UPDATE takes the row's lock and holds it to commit, so
-- a second writer's bump waits until the first writer has committed (or rolled back) and then
-- numbers its change after it: versions are handed out in commit order. Hence a reader whose
-- snapshot sees version V also sees every change numbered V or lower, whichever transaction made
-- it, and whatever ids it drew from the sequence (a transaction that drew lower ids but committed
-- later carries the higher version). A rolled-back change takes its number with it; the next
-- committed change reuses it, which no reader can tell apart since readers only see committed rows.
-- The price: writers of incidents are serialised from their first changing statement to commit.
--
-- incident_changes holds one row per such statement with the range of ids it touched (the NEW
-- TABLE of an INSERT or UPDATE, the OLD TABLE of an UPDATE or DELETE; COPY FROM fires the INSERT
-- trigger too). A reader that knows version K re-reads the ids in the ranges of versions K+1…V to
-- be up to date. TRUNCATE logs a range of NULLs, meaning "everything". Statements that change no
-- row bump nothing. The log is pruned by age; a reader finding fewer than V − K rows above K
-- knows the log no longer reaches back and reads everything again.

CREATE TABLE data_versions (
  name    text PRIMARY KEY,
  version bigint NOT NULL
);
INSERT INTO data_versions (name, version) VALUES ('incidents', 0), ('cameras', 0);

CREATE TABLE incident_changes (
  version bigint PRIMARY KEY,
  min_id  bigint,
  max_id  bigint,
  at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((min_id IS NULL) = (max_id IS NULL) AND (min_id IS NULL OR min_id <= max_id))
);

CREATE FUNCTION log_incident_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  lo bigint;
  hi bigint;
  v  bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT min(id), max(id) INTO lo, hi FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT min(id), max(id) INTO lo, hi FROM old_rows;
  ELSIF TG_OP = 'UPDATE' THEN
    -- Both sides: an update may change the id itself.
    SELECT min(id), max(id) INTO lo, hi
    FROM (SELECT id FROM new_rows UNION ALL SELECT id FROM old_rows) AS r;
  END IF;
  IF TG_OP <> 'TRUNCATE' AND lo IS NULL THEN
    RETURN NULL; -- the statement changed no row
  END IF;
  UPDATE data_versions SET version = version + 1 WHERE name = 'incidents' RETURNING version INTO v;
  INSERT INTO incident_changes (version, min_id, max_id) VALUES (v, lo, hi);
  RETURN NULL;
END
$$;

CREATE TRIGGER incidents_log_insert AFTER INSERT ON incidents
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION log_incident_change();
CREATE TRIGGER incidents_log_update AFTER UPDATE ON incidents
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION log_incident_change();
CREATE TRIGGER incidents_log_delete AFTER DELETE ON incidents
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION log_incident_change();
CREATE TRIGGER incidents_log_truncate AFTER TRUNCATE ON incidents
  FOR EACH STATEMENT EXECUTE FUNCTION log_incident_change();

-- The cameras keep no log: their consumers (the camera collection, the readings' id map) read the
-- whole table again when the version moves. The version comes from a sequence rather than + 1, so
-- that a number is never handed out twice: the id map may read the version inside a transaction
-- that changed cameras and then rolled back, and must not find that number again on other rows.
CREATE SEQUENCE cameras_version_seq;

CREATE FUNCTION bump_cameras_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NOT EXISTS (SELECT 1 FROM new_rows) THEN RETURN NULL; END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM old_rows) THEN
    RETURN NULL;
  END IF;
  UPDATE data_versions SET version = nextval('cameras_version_seq') WHERE name = 'cameras';
  RETURN NULL;
END
$$;

CREATE FUNCTION bump_cameras_version_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE data_versions SET version = nextval('cameras_version_seq') WHERE name = 'cameras';
  RETURN NULL;
END
$$;

CREATE TRIGGER cameras_version_insert AFTER INSERT ON cameras
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_cameras_version();
CREATE TRIGGER cameras_version_update AFTER UPDATE ON cameras
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_cameras_version();
CREATE TRIGGER cameras_version_delete AFTER DELETE ON cameras
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_cameras_version();
CREATE TRIGGER cameras_version_truncate AFTER TRUNCATE ON cameras
  FOR EACH STATEMENT EXECUTE FUNCTION bump_cameras_version_truncate();
