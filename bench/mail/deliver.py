#!/usr/bin/env python3
"""Delivers a gen_emails.py corpus to an LMTP listener, as an MTA would (standard library only).

usage: deliver.py PORT CORPUS_DIR MANIFEST ORDER CONNECTIONS RCPT [SEED]
  ORDER: manifest | shuffled (fixed seed: many replies arrive before their original) | reverse
Each of CONNECTIONS threads keeps one LMTP session open and sends every CONNECTIONS-th message of the
order. Prints one JSON line: messages, accepted, refused (with codes), wall_s, msgs_per_s, p50_ms, p99_ms,
replies_before_parent (how many replies were sent before their original).
"""
import json, random, smtplib, sys, threading, time

port, corpus, manifest, order, conns, rcpt = sys.argv[1:7]
seed = int(sys.argv[7]) if len(sys.argv) > 7 else 7
port, conns = int(port), int(conns)
rows = [json.loads(line) for line in open(manifest, encoding="utf-8")]
if order == "shuffled":
    random.Random(seed).shuffle(rows)
elif order == "reverse":
    rows.reverse()
position = {r["msgid"]: i for i, r in enumerate(rows)}
before_parent = sum(1 for i, r in enumerate(rows) if r["parent"] and position[r["parent"]] > i)
payloads = [(r, open(f"{corpus}/{r['file']}", "rb").read()) for r in rows]

latencies, refused, lock = [], {}, threading.Lock()

def worker(k):
    lmtp = smtplib.LMTP("127.0.0.1", port)
    lmtp.ehlo_or_helo_if_needed()
    for r, data in payloads[k::conns]:
        t = time.perf_counter()
        try:
            bad = lmtp.sendmail(r["sender"], [rcpt], data)
            code = None if not bad else str(bad)
        except smtplib.SMTPResponseException as e:
            code = str(e.smtp_code)
        except smtplib.SMTPRecipientsRefused as e:
            code = str(e.recipients)
        with lock:
            latencies.append((time.perf_counter() - t) * 1000)
            if code:
                refused[r["msgid"]] = code
    lmtp.quit()

start = time.perf_counter()
threads = [threading.Thread(target=worker, args=(k,)) for k in range(conns)]
for t in threads: t.start()
for t in threads: t.join()
wall = time.perf_counter() - start
latencies.sort()
pct = lambda p: latencies[min(len(latencies) - 1, int(len(latencies) * p))]
print(json.dumps(dict(order=order, connections=conns, messages=len(rows), accepted=len(rows) - len(refused),
                      refused=refused, wall_s=round(wall, 2), msgs_per_s=round(len(rows) / wall, 1),
                      p50_ms=round(pct(0.5), 1), p99_ms=round(pct(0.99), 1), replies_before_parent=before_parent)))
