"""Checks one Guichet intake run in its database.

usage: verify.py DATABASE TAG IDS_PREFIX CAPACITY
DATABASE: sqlite:PATH or postgres://… (PostgreSQL needs psycopg: run it with the peer's venv).
TAG: the run tag every subject of the run starts with; IDS_PREFIX: the files intake.lua wrote
(IDS_PREFIX.1, IDS_PREFIX.2, …: the contact id of every 201). CAPACITY: e-mails per agent.

Prints one `VERIFY k=v …` line:
  ids201        contact ids answered with 201
  stored        contacts of the run in the database (201s + requests in flight when wrk stopped)
  missing       201 ids with no stored contact                                  (must be 0)
  no_created / no_queued   stored contacts without their `created` (seq 1) / `queued` (seq 2) event (must be 0)
  offered       contacts of the run that were offered to an agent (event `offered`)
  offered_twice contacts with more than one `offered` event                     (must be 0)
  agent_no_offer contacts holding an agent without an `offered` event            (must be 0)
  bad_seq       contacts whose event_count differs from their number of events or highest seq (must be 0)
  over_capacity agents holding more e-mails than their capacity                 (must be 0)
  out_of_order  contacts of the run whose log has an event earlier than the one before it (reported: such a
                contact can no longer be answered; not part of ok)
  states        contacts of the run by state
and `ok=1` when every "must be 0" holds.
"""
import glob
import sys
import uuid

database, tag, prefix, capacity = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

ids = set()
for name in glob.glob(prefix + ".*"):
    with open(name) as f:
        ids.update(uuid.UUID(line.strip()) for line in f if line.strip())

if database.startswith("sqlite:"):
    import sqlite3

    conn = sqlite3.connect(database[len("sqlite:"):])
    param = "?"
else:
    import psycopg

    conn = psycopg.connect(database)
    param = "%s"


def rows(query, *args):
    cur = conn.cursor()
    cur.execute(query.replace("?", param), args)
    return cur.fetchall()


def as_uuid(value):
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return uuid.UUID(bytes=bytes(value))
    return uuid.UUID(str(value))


like = tag + " %"
stored = {as_uuid(r[0]) for r in rows("SELECT id FROM contacts WHERE subject LIKE ?", like)}
missing = len(ids - stored)
no_created = rows("""SELECT COUNT(*) FROM contacts c WHERE c.subject LIKE ? AND NOT EXISTS
    (SELECT 1 FROM contact_events e WHERE e.contact_id = c.id AND e.seq = 1 AND e.kind = 'created')""", like)[0][0]
no_queued = rows("""SELECT COUNT(*) FROM contacts c WHERE c.subject LIKE ? AND NOT EXISTS
    (SELECT 1 FROM contact_events e WHERE e.contact_id = c.id AND e.seq = 2 AND e.kind = 'queued')""", like)[0][0]
offered = rows("""SELECT COUNT(DISTINCT e.contact_id) FROM contact_events e JOIN contacts c ON c.id = e.contact_id
    WHERE c.subject LIKE ? AND e.kind = 'offered'""", like)[0][0]
offered_twice = rows("""SELECT COUNT(*) FROM (SELECT e.contact_id FROM contact_events e WHERE e.kind = 'offered'
    GROUP BY e.contact_id HAVING COUNT(*) > 1) t""")[0][0]
agent_no_offer = rows("""SELECT COUNT(*) FROM contacts c WHERE c.agent_id IS NOT NULL AND NOT EXISTS
    (SELECT 1 FROM contact_events e WHERE e.contact_id = c.id AND e.kind = 'offered')""")[0][0]
bad_seq = rows("""SELECT COUNT(*) FROM contacts c JOIN (SELECT contact_id, COUNT(*) AS n, MAX(seq) AS m
    FROM contact_events GROUP BY contact_id) e ON e.contact_id = c.id WHERE c.event_count <> e.n OR c.event_count <> e.m""")[0][0]
over = rows("""SELECT COUNT(*) FROM (SELECT agent_id FROM contacts WHERE agent_id IS NOT NULL AND medium = 'email'
    AND state IN ('offered', 'in_progress', 'on_hold', 'wrap_up') GROUP BY agent_id HAVING COUNT(*) > ?) t""", capacity)[0][0]
# An event earlier than the one before it (by seq): the log no longer replays, the contact is stuck.
out_of_order = rows("""SELECT COUNT(DISTINCT a.contact_id) FROM contact_events a JOIN contact_events b
    ON b.contact_id = a.contact_id AND b.seq = a.seq + 1 JOIN contacts c ON c.id = a.contact_id
    WHERE c.subject LIKE ? AND b.at < a.at""", like)[0][0]
states = ",".join(f"{s}:{n}" for s, n in sorted(rows(
    "SELECT state, COUNT(*) FROM contacts WHERE subject LIKE ? GROUP BY state", like)))
ok = int(missing == 0 and no_created == 0 and no_queued == 0 and offered_twice == 0 and agent_no_offer == 0
         and bad_seq == 0 and over == 0 and len(ids) > 0)
print(f"VERIFY ids201={len(ids)} stored={len(stored)} missing={missing} no_created={no_created} no_queued={no_queued} "
      f"offered={offered} offered_twice={offered_twice} agent_no_offer={agent_no_offer} bad_seq={bad_seq} "
      f"over_capacity={over} out_of_order={out_of_order} states={states} ok={ok}")
