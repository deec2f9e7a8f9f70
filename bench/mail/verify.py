#!/usr/bin/env python3
"""Checks, in Guichet's database, what the delivered corpus became.

usage: verify.py DATABASE_URL ORG_SLUG MANIFEST
  DATABASE_URL: sqlite:PATH or postgres://… (psycopg needed for PostgreSQL: the peer's venv has it)
Prints one JSON line: stored (messages found exactly once), missing, duplicated, replies_threaded (in their
original's contact) / replies, originals_alone (each in a contact of its own) / originals, text_ok (the
accented check phrase survived), attachments_ok (every file stored under its name).
"""
import json, sys

url, slug, manifest = sys.argv[1:4]
rows = [json.loads(line) for line in open(manifest, encoding="utf-8")]
if url.startswith("sqlite:"):
    import sqlite3
    db = sqlite3.connect(url[len("sqlite:"):])
    mark = "?"
else:
    import psycopg
    db = psycopg.connect(url)
    mark = "%s"

def query(sql, *args):
    cur = db.cursor()
    cur.execute(sql.replace("?", mark), args)
    return cur.fetchall()

org = query("SELECT id FROM organisations WHERE slug = ?", slug)[0][0]
messages = {}
for ref, contact, body in query(
        "SELECT message_ref, contact_id, body FROM contact_messages WHERE organisation_id = ? AND direction = 'inbound'", org):
    messages.setdefault(ref, []).append((contact, body))
files = {}
for ref, name in query(
        """SELECT m.message_ref, a.filename FROM message_attachments a JOIN contact_messages m ON a.message_id = m.id
           WHERE m.organisation_id = ?""", org):
    files.setdefault(ref, []).append(name)

def ref(msgid): return msgid.strip("<>")
stored = sum(1 for r in rows if len(messages.get(ref(r["msgid"]), [])) == 1)
missing = [r["msgid"] for r in rows if ref(r["msgid"]) not in messages]
duplicated = sum(1 for r in rows if len(messages.get(ref(r["msgid"]), [])) > 1)
contact = {r["msgid"]: messages[ref(r["msgid"])][0][0] for r in rows if ref(r["msgid"]) in messages}
replies = [r for r in rows if r["parent"]]
threaded = sum(1 for r in replies if r["msgid"] in contact and contact.get(r["msgid"]) == contact.get(r["parent"]))
originals = [r for r in rows if not r["parent"]]
owners = {}
for r in originals:
    if r["msgid"] in contact: owners.setdefault(contact[r["msgid"]], []).append(r["msgid"])
alone = sum(1 for r in originals if r["msgid"] in contact and len(owners[contact[r["msgid"]]]) == 1)
text_ok = sum(1 for r in rows if ref(r["msgid"]) in messages and r["check"] in messages[ref(r["msgid"])][0][1])
attachments_ok = sum(1 for r in rows if sorted(files.get(ref(r["msgid"]), [])) == sorted(r["attachments"]))
print(json.dumps(dict(messages=len(rows), stored=stored, missing=len(missing), duplicated=duplicated,
                      replies_threaded=f"{threaded}/{len(replies)}", originals_alone=f"{alone}/{len(originals)}",
                      text_ok=f"{text_ok}/{len(rows)}", attachments_ok=f"{attachments_ok}/{len(rows)}",
                      missing_sample=missing[:3])))
