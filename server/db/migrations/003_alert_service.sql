-- Atalaya schema, part 3: what the live alert service (server/alerts/alert-service.ts) needs on top of
-- the alerting tables of 001 — the rules engine's alerts mapped one to one onto `alerts`, lifecycle
-- events written exactly once, and the evaluator's state kept across restarts.

-- An alert whose pending condition clears before it fires (or whose evaluation error goes away) closes
-- without having fired: the engine calls that state 'inactive'. Open means pending, firing or error,
-- and the dedupe index (one open alert per rule and scope key) follows that definition.
ALTER TABLE alerts DROP CONSTRAINT alerts_state_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_state_check
  CHECK (state IN ('pending', 'firing', 'resolved', 'inactive', 'error'));
DROP INDEX alerts_open_per_scope;
CREATE UNIQUE INDEX alerts_open_per_scope ON alerts (rule_id, scope_key)
  WHERE state IN ('pending', 'firing', 'error');

ALTER TABLE alerts
  ADD COLUMN episode       integer NOT NULL DEFAULT 1,  -- the engine's episode number for this rule and key
  ADD COLUMN last_value    double precision,            -- the value at the latest evaluation (°C, °C/h, a count, %)
  ADD COLUMN error_message text,                        -- while in error: what failed
  ADD COLUMN updated_at    timestamptz NOT NULL DEFAULT now();
-- resolved_at is when the alert closed, whichever way (resolved after firing, or inactive without).
CREATE INDEX alerts_rule_scope_started ON alerts (rule_id, scope_key, started_at DESC);
CREATE INDEX alerts_updated ON alerts (updated_at DESC, id DESC);
CREATE INDEX alerts_geom_gist ON alerts USING gist (geom);

-- A lifecycle event (from_state set) is written once: the same transition replayed after a restart
-- finds its row and is neither stored nor published again. Operator actions leave from_state NULL.
ALTER TABLE alert_events ADD COLUMN from_state text;
CREATE UNIQUE INDEX alert_events_transition ON alert_events (alert_id, kind, at, from_state)
  WHERE from_state IS NOT NULL;

-- The evaluator's whole state (windows, baselines, alert states) as JSON, written every few minutes and
-- at shutdown. One row: a restart restores it and replays what was stored after `evaluated_to`.
CREATE TABLE rule_evaluator_snapshots (
  id           smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  taken_at     timestamptz NOT NULL DEFAULT now(),
  evaluated_to timestamptz NOT NULL,  -- the evaluator's clock (its latest tick) when taken
  state        text NOT NULL          -- JSON: AlertServiceSnapshot (server/alerts/alert-service.ts)
);
