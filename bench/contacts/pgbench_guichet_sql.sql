-- pgbench: the SQL one Guichet intake sends (bench/contacts: counted with log_statement=all), without Guichet:
-- the intake transaction (customer identified or created, contact, `created` + `queued` events, first
-- message), then the ACD transaction under the organisation's dispatch row lock, then the NOTIFY.
-- Not included: the 4–5 statements of authentication and organisation look-up before them.
-- The offer sets the contact to `resolved` rather than `offered` so that agents never fill up (as with
-- the resolvers in run.sh, loads stay small). Needs a database Guichet set up (run.sh's guichet_bench):
--   pgbench -n -M extended -c 8 -j 2 -T 15 -D org=<organisation uuid> -f pgbench_guichet_sql.sql guichet_bench
\set r random(1, 2000000000)
\set a random(1, 20)
BEGIN;
SELECT customer_id FROM customer_identities WHERE organisation_id = :org AND kind = 'email' AND value = 'pgb' || :r || '@exemple.fr';
INSERT INTO customers (id, organisation_id, display_name, attributes_json, created_at)
  VALUES (CAST(md5(:r || 'u') AS uuid), :org, 'Clientèle ' || :r, '{}', now());
INSERT INTO customer_identities (id, organisation_id, customer_id, kind, value, created_at)
  VALUES (gen_random_uuid(), :org, CAST(md5(:r || 'u') AS uuid), 'email', 'pgb' || :r || '@exemple.fr', now());
INSERT INTO contacts (id, customer_id, medium, entry_point, external_ref, subject, motif, motif_rule, route_rule,
  route_reason, queue, priority, skills_json, state, agent_id, created_at, enqueued_at, updated_at, organisation_id, event_count)
  VALUES (CAST(md5(:r || 'c') AS uuid), CAST(md5(:r || 'u') AS uuid), 'email', NULL, NULL,
  'pgb Commande ' || :r || ' non reçue', 'livraison', 'mots-livraison', NULL, 'fallback', 'general', 0, '[]',
  'queued', NULL, now(), now(), now(), :org, 2);
INSERT INTO contact_events (id, organisation_id, contact_id, seq, kind, at, actor, queue, reason)
  VALUES (gen_random_uuid(), :org, CAST(md5(:r || 'c') AS uuid), 1, 'created', now(), 'admin@bench.test', NULL, 'motif livraison (rule mots-livraison)');
INSERT INTO contact_events (id, organisation_id, contact_id, seq, kind, at, actor, queue, reason)
  VALUES (gen_random_uuid(), :org, CAST(md5(:r || 'c') AS uuid), 2, 'queued', now(), 'router', 'general', 'fallback');
INSERT INTO contact_messages (id, organisation_id, contact_id, direction, author, subject, body, message_ref, delivery, at)
  VALUES (gen_random_uuid(), :org, CAST(md5(:r || 'c') AS uuid), 'inbound', 'pgb' || :r || '@exemple.fr',
  'Commande non reçue', 'Bonjour, ma commande n’est toujours pas arrivée. Pouvez-vous vérifier le suivi ? Merci d’avance. Cordialement, Céline', NULL, NULL, now());
COMMIT;
SELECT code, name, overflow_after, overflow_queue FROM acd_queues WHERE organisation_id = :org ORDER BY code;
BEGIN;
UPDATE acd_dispatch_locks SET dispatched_at = now() WHERE organisation_id = :org RETURNING organisation_id;
SELECT id, user_id, code, name, skills_json, queues_json, capacity_json, state, idle_since, state_since FROM acd_agents
  WHERE organisation_id = :org AND state = 'available' ORDER BY id FOR UPDATE;
SELECT agent_id, medium, COUNT(*) AS n FROM contacts WHERE organisation_id = :org AND agent_id IS NOT NULL
  AND state IN ('offered', 'in_progress', 'on_hold', 'wrap_up') GROUP BY agent_id, medium;
SELECT id, customer_id, medium, entry_point, external_ref, subject, motif, motif_rule, route_rule, route_reason, queue,
  priority, skills_json, state, agent_id, created_at, enqueued_at, updated_at FROM contacts
  WHERE organisation_id = :org AND state = 'queued' ORDER BY priority DESC, enqueued_at LIMIT 1000;
UPDATE contacts SET state = 'resolved', agent_id = (SELECT id FROM acd_agents WHERE organisation_id = :org AND code = 'a' || lpad(:a, 3, '0')),
  event_count = event_count + 1, updated_at = now() WHERE id = CAST(md5(:r || 'c') AS uuid) AND state = 'queued' RETURNING event_count;
INSERT INTO contact_events (id, organisation_id, contact_id, seq, kind, at, actor, queue, reason)
  VALUES (gen_random_uuid(), :org, CAST(md5(:r || 'c') AS uuid), 3, 'offered', now(), 'a' || lpad(:a, 3, '0'), 'general', NULL);
UPDATE acd_agents SET idle_since = now() WHERE organisation_id = :org AND code = 'a' || lpad(:a, 3, '0');
COMMIT;
SELECT pg_notify('guichet_contact_centre', :org || '|live');
