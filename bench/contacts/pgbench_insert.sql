-- pgbench: one row like a Guichet contact (same columns as `contacts`), one transaction per row.
\set n random(1, 1000000000)
INSERT INTO ceiling_contacts (id, organisation_id, customer_id, medium, subject, motif, motif_rule, route_reason,
  queue, priority, skills_json, state, event_count, created_at, enqueued_at, updated_at)
VALUES (gen_random_uuid(), '0b6f1d2e-3c4a-4e5f-8a9b-0c1d2e3f4a5b', gen_random_uuid(), 'email',
  'Commande ' || :n || ' non reçue — suivi du colis', 'livraison', 'mots-livraison', 'fallback', 'general', 0, '[]',
  'queued', 2, now(), now(), now());
