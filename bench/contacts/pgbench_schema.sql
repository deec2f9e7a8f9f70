-- Scratch table for the PostgreSQL insert ceiling: the columns and types of Guichet's `contacts`, primary key only.
DROP TABLE IF EXISTS ceiling_contacts;
CREATE TABLE ceiling_contacts (
  id uuid PRIMARY KEY, organisation_id uuid NOT NULL, customer_id uuid, medium text NOT NULL, entry_point text,
  external_ref text, subject text NOT NULL, motif text, motif_rule text, route_rule text, route_reason text NOT NULL,
  queue text NOT NULL, priority bigint NOT NULL, skills_json text NOT NULL, state text NOT NULL, agent_id uuid,
  event_count bigint NOT NULL, created_at timestamptz NOT NULL, enqueued_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL);
