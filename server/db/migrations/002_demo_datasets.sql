-- Which synthetic demo set is loaded, and its ground truth (the injected surges and unrest
-- episodes, the assumed weights), so the UI can say what is synthetic and tests can check alerts.
CREATE TABLE demo_datasets (
  id           smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),  -- one demo set at a time
  size         text NOT NULL CHECK (size IN ('slice', 'full')),
  seed         text NOT NULL,
  end_at       timestamptz NOT NULL,
  loaded_at    timestamptz NOT NULL DEFAULT now(),
  counts       jsonb NOT NULL,
  ground_truth jsonb NOT NULL
);
