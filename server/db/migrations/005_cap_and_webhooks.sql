-- Alert outputs: CAP 1.2 messages as published (never edited: later messages reference their
-- identifier and sent time exactly), webhook subscriptions and their durable delivery outbox.

CREATE TABLE cap_messages (
  alert_id   bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  version    integer NOT NULL CHECK (version >= 1),
  identifier text NOT NULL UNIQUE,
  msg_type   text NOT NULL CHECK (msg_type IN ('Alert', 'Update', 'Cancel')),
  status     text NOT NULL CHECK (status IN ('Actual', 'Exercise', 'System', 'Test', 'Draft')),
  sent       timestamptz NOT NULL,
  summary    jsonb NOT NULL,
  xml        text NOT NULL,
  PRIMARY KEY (alert_id, version)
);
CREATE INDEX cap_messages_sent ON cap_messages (sent DESC);

CREATE TABLE webhooks (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL,
  url        text NOT NULL CHECK (url ~ '^https?://'),
  secret     text NOT NULL CHECK (length(secret) >= 16),
  enabled    boolean NOT NULL DEFAULT true,
  states     text[] NOT NULL DEFAULT '{firing,resolved}',
  severities text[],  -- NULL: every severity
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_outbox (
  id              bigserial PRIMARY KEY,
  webhook_id      bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  alert_event_id  bigint REFERENCES alert_events (id) ON DELETE SET NULL,
  idempotency_key text NOT NULL,
  ordering_key    text NOT NULL,  -- 'alert:<id>': one alert's deliveries go in order
  body            text NOT NULL,  -- the exact signed bytes (text, not jsonb, which reorders keys)
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz,
  last_attempt_at timestamptz,
  last_status     integer,
  last_error      text,
  delivered_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (webhook_id, idempotency_key)
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX webhook_outbox_chain ON webhook_outbox (webhook_id, ordering_key, id) WHERE state = 'pending';
CREATE INDEX webhook_outbox_dead ON webhook_outbox (webhook_id, last_attempt_at DESC) WHERE state = 'dead';
