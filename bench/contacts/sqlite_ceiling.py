"""The bare SQLite insert ceiling beside Guichet's intake: one row per transaction, in a loop, from one
thread (SQLite has one writer), into a table with the columns of Guichet's `contacts` table.

usage: python3 sqlite_ceiling.py PATH [SECONDS=5] [MODE...]
MODE: `wal-full` — Guichet's settings: `journal_mode=WAL`, `synchronous=FULL`, `foreign_keys=ON` (SQLiteKit
turns it on); `default` — SQLite's defaults (rollback journal `DELETE`, `synchronous=FULL`), Guichet's settings
before the group commit; `wal` — WAL with `synchronous=NORMAL` (the peer's tuning). Prints one
`SQLITE mode=… rows=… rows_per_s=… p50_ms=… p99_ms=…` line per mode.
Standard library only (CPython's sqlite3; Guichet links its own SQLite through SQLiteNIO).
"""
import os
import sqlite3
import sys
import time
import uuid

path = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
modes = sys.argv[3:] or ["default", "wal"]

DDL = """CREATE TABLE ceiling_contacts (
 id BLOB PRIMARY KEY, organisation_id BLOB NOT NULL, customer_id BLOB, medium TEXT NOT NULL, entry_point TEXT,
 external_ref TEXT, subject TEXT NOT NULL, motif TEXT, motif_rule TEXT, route_rule TEXT, route_reason TEXT NOT NULL,
 queue TEXT NOT NULL, priority INTEGER NOT NULL, skills_json TEXT NOT NULL, state TEXT NOT NULL, agent_id BLOB,
 event_count INTEGER NOT NULL, created_at REAL NOT NULL, enqueued_at REAL NOT NULL, updated_at REAL NOT NULL)"""
INSERT = """INSERT INTO ceiling_contacts VALUES (?, ?, ?, 'email', NULL, NULL, ?, 'livraison', 'mots-livraison', NULL,
 'fallback', 'general', 0, '[]', 'queued', NULL, 2, ?, ?, ?)"""

for mode in modes:
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)  # autocommit: we issue BEGIN/COMMIT ourselves
    db.execute("PRAGMA foreign_keys = ON")
    if mode == "wal":
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
    elif mode == "wal-full":  # Guichet's own settings since the group commit: WAL, commits fully synchronous
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
    journal = db.execute("PRAGMA journal_mode").fetchone()[0]
    synchronous = db.execute("PRAGMA synchronous").fetchone()[0]
    db.execute(DDL)
    org = uuid.uuid4().bytes
    latencies = []
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    now = start
    while now < deadline:
        n += 1
        t = time.time()
        db.execute("BEGIN")
        db.execute(INSERT, (uuid.uuid4().bytes, org, uuid.uuid4().bytes,
                            f"Commande {n} non reçue — suivi du colis", t, t, t))
        db.execute("COMMIT")
        after = time.perf_counter()
        latencies.append(after - now)
        now = after
    elapsed = now - start
    latencies.sort()
    pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    print(f"SQLITE mode={mode} journal={journal} synchronous={synchronous} rows={n} seconds={elapsed:.2f} "
          f"rows_per_s={n / elapsed:.1f} p50_ms={pct(0.5):.3f} p99_ms={pct(0.99):.3f} sqlite={sqlite3.sqlite_version}",
          flush=True)
    db.close()
