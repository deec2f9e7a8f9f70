"""Runs the numpy peer (rank_bootstrap.py) unchanged, then hands its own synthetic marks to Guichet.

Usage: python peer_same_data.py PEER.py MARKS.json
Writes MARKS.json = {company: {channel: [marks]}} (the very numbers the peer resampled) and prints one
JSON line: the peer's bootstrap seconds and its 95 % intervals and P(>=12) per company.
"""
import json
import runpy
import sys

import numpy as np

peer, out = sys.argv[1], sys.argv[2]
ns = runpy.run_path(peer, run_name="__main__")
data, boot, dt = ns["data"], ns["boot"], ns["dt"]
with open(out, "w") as f:
    json.dump({k: {ch: [float(v) for v in x] for ch, x in d.items()} for k, d in data.items()}, f)
intervals = {}
for k, values in boot.items():
    lo, hi = np.percentile(values, [2.5, 97.5])
    intervals[k] = {"lower": float(lo), "upper": float(hi), "pAbove12": float(np.mean(values > 12))}
print(json.dumps({"numpy_seconds": dt, "intervals": intervals}))
