#!/usr/bin/env python3
"""Reference values for GuichetCore's Erlang C and Erlang A, computed independently at 50 digits.

Writes Tests/GuichetCoreTests/Staffing/Fixtures/erlang_reference.json, read by ErlangReferenceTests.swift.

Independence from the Swift code:
  * Erlang C: the textbook closed form with factorial sums in mpmath (Swift uses the Erlang B recursion).
  * Erlang A: the Mandelbaum–Zeltyn integral formulas (J = ∫ exp(λH(x) − nμx) dx, H(x) = (1 − e^{−θx})/θ)
    evaluated by mpmath.quad (Swift sums the birth–death series). Each Erlang A case is also computed a second
    way at 50 digits (the birth–death chain summed exactly, and P(V > t) by mpmath's incomplete gamma), and
    the larger of the two methods' disagreements is stored as `method_gap` so the fixture proves itself.
  * pyworkforce 0.5.4 (optional, needs Python ≥ 3.12) is run on the cases it can handle (its Erlang A service
    level uses uniformization, O(states² · steps), so only small cases) and stored under "pyworkforce".

Conventions (all times in seconds): service level = answered within t / offered (abandons are misses);
P(wait > t) counts an abandoning caller who waited more than t; ASA (Erlang C) = mean wait of all calls;
Erlang A `mean_wait` = mean wait over all offered calls (pyworkforce calls this average_speed_of_answer),
Erlang A `asa_answered` = mean wait of answered calls only; `p_offered_wait_gt` = P(V > t), the wait of a
caller who never hangs up.

Usage:
  /root/.pyenv/versions/3.12.1/bin/python3 -m venv /tmp/pw && /tmp/pw/bin/pip install pyworkforce==0.5.4 mpmath
  /tmp/pw/bin/python scripts/staffing/reference.py
"""
import json
import os
import sys

import mpmath as mp

mp.mp.dps = 50
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "GuichetCoreTests", "Staffing", "Fixtures", "erlang_reference.json")

# (name, calls per hour, AHT s, agents, thresholds s)
ERLANG_C = [
    ("sim_bench peak day", 2000 / 11, 240, 16, [0, 20, 30, 60, 240]),
    ("single agent", 7.5, 240, 1, [0, 30, 600]),
    ("light load", 30, 180, 5, [0, 10, 30]),
    ("moderate", 1000, 180, 55, [0, 15, 30, 60]),
    ("near critical", 1990, 180, 100, [0, 30, 300]),
    ("large 1k", 20000, 180, 1030, [0, 10, 30]),
    ("large 4k", 60000, 240, 4040, [0, 5, 20, 30]),
    ("large 9.7k", 142500, 240, 9560, [0, 2, 10, 30]),
    ("overstaffed", 100, 240, 40, [0, 30]),
]

# (name, calls per hour, AHT s, patience s, agents, thresholds s)
ERLANG_A = [
    ("sim_bench peak day", 2000 / 11, 240, 180, 16, [0, 20, 30, 60, 240]),
    ("sim_bench understaffed", 2000 / 11, 240, 180, 12, [0, 30, 60]),
    ("overloaded", 300, 240, 180, 16, [0, 30, 60, 240]),
    ("single agent", 12, 300, 60, 1, [0, 30, 120]),
    ("impatient", 200, 240, 10, 14, [0, 5, 30]),
    ("very patient", 200, 240, 36000, 15, [0, 30, 120]),
    ("moderate", 1000, 180, 120, 52, [0, 15, 30, 60]),
    ("large 2k overloaded", 40000, 180, 120, 1950, [0, 10, 20, 30]),
    ("large 5k", 75000, 240, 300, 5020, [0, 5, 20, 30]),
    ("large 3k patient", 45000, 240, 1800, 3010, [0, 10, 30]),
]


def erlang_c(lam, aht, c, ts):
    lam, aht = mp.mpf(lam), mp.mpf(aht)
    a = lam * aht
    top = a ** c / mp.factorial(c) * c / (c - a)
    bottom = mp.fsum(a ** k / mp.factorial(k) for k in range(c)) + top
    pw = top / bottom
    return dict(
        p_wait=pw,
        asa=pw * aht / (c - a),
        occupancy=a / c,
        service_level={t: 1 - pw * mp.exp(-(c - a) * t / aht) for t in ts},
        p_wait_gt={t: pw * mp.exp(-(c - a) * t / aht) for t in ts},
    )


def erlang_a_integrals(lam, aht, patience, n, ts):
    lam, mu, theta = mp.mpf(lam), 1 / mp.mpf(aht), 1 / mp.mpf(patience)
    a = lam / mu

    def g(x):
        return mp.exp(lam * (1 - mp.exp(-theta * x)) / theta - n * mu * x)

    # Breakpoints at the integrand's mode and on its natural scales, so tanh-sinh sees smooth pieces.
    mode = mp.log(lam / (n * mu)) / theta if lam > n * mu else mp.mpf(0)
    scale = 1 / max(abs(n * mu - lam), mp.sqrt(lam * theta), theta)
    width = 1 / mp.sqrt(n * mu * theta)  # curvature of the exponent at an interior mode
    pts = {mp.mpf(0), mode} | {mode + scale * 2 ** k for k in range(-6, 14)}
    if mode > 0:
        pts |= {mode + sign * width * 2 ** k for k in range(-4, 12) for sign in (-1, 1)}
    pts = sorted(p for p in pts if p >= 0)

    def integral(f, lo, hi):
        inner = [p for p in pts if lo < p < hi]
        return mp.quad(f, [lo] + inner + [hi], maxdegree=10)

    j = integral(g, 0, mp.inf)
    e_term = mp.fsum(a ** k / mp.factorial(k) for k in range(n)) / (a ** (n - 1) / mp.factorial(n - 1))
    norm = e_term + lam * j
    pw = lam * j / norm
    pab = (1 + (lam - n * mu) * j) / norm
    served_wait = lam / norm * integral(lambda v: v * mp.exp(-theta * v) * g(v), 0, mp.inf)
    out = dict(p_wait=pw, p_abandon=pab, mean_wait=pab / theta, asa_answered=served_wait / (1 - pab),
               occupancy=lam * (1 - pab) / (n * mu))
    sl, pv, pwt = {}, {}, {}
    for t in ts:
        t = mp.mpf(t)
        served_in_t = lam / norm * integral(lambda v: mp.exp(-theta * v) * g(v), 0, t) if t > 0 else 0
        sl[t] = 1 - pw + served_in_t
        pv[t] = lam * integral(g, t, mp.inf) / norm
        pwt[t] = pv[t] * mp.exp(-theta * t)
    out.update(service_level=sl, p_offered_wait_gt=pv, p_wait_gt=pwt)
    return out


def erlang_a_series(lam, aht, patience, n, ts):
    """Second method: exact chain sum, and P(V > t | wait) = P(s, x e^{-θt}) / P(s, x) with mpmath's gammainc."""
    lam, mu, theta = mp.mpf(lam), 1 / mp.mpf(aht), 1 / mp.mpf(patience)
    a = lam / mu
    probs = [a ** k / mp.factorial(k) for k in range(n + 1)]
    k, term = 0, probs[-1]
    tail, queue = mp.mpf(0), mp.mpf(0)
    while True:
        k += 1
        term = term * lam / (n * mu + k * theta)
        tail += term
        queue += k * term
        if k > (lam - n * mu) / theta and term < mp.mpf(10) ** -60 * tail:
            break
    total = mp.fsum(probs) + tail
    pw = (probs[-1] + tail) / total
    pab = theta * queue / total / lam
    s, x = n * mu / theta, lam / theta
    pv = {mp.mpf(t): pw * mp.gammainc(s, 0, x * mp.exp(-theta * t), regularized=True)
          / mp.gammainc(s, 0, x, regularized=True) for t in ts}
    return dict(p_wait=pw, p_abandon=pab, p_offered_wait_gt=pv)


def rel(a, b):
    return abs(a - b) / abs(b) if b != 0 else abs(a)


def pyworkforce_values(kind, case):
    try:
        from pyworkforce.queuing import ErlangA, ErlangC
    except ImportError:
        return None
    interval = 3600.0  # seconds; pyworkforce takes transactions per interval and times in one unit
    if kind == "C":
        _, per_hour, aht, c, ts = case
        if c > 1000:  # its factorial-free loop is fine, but keep the run short
            return None
        e = ErlangC(transactions=per_hour, aht=aht, asa=max(ts[-1], 1e-9), interval=interval)
        return dict(p_wait=e.waiting_probability(c),
                    service_level={str(float(t)): e.service_level(c) if t == ts[-1] else
                                   ErlangC(transactions=per_hour, aht=aht, asa=t, interval=interval).service_level(c)
                                   for t in ts if t > 0})
    _, per_hour, aht, patience, n, ts = case
    if n > 20:  # uniformization cost grows as states² × steps
        return None
    e = ErlangA(transactions=per_hour, aht=aht, asa=ts[-1], interval=interval, patience=patience)
    return dict(p_wait=e.waiting_probability(n), p_abandon=e.abandonment_probability(n),
                mean_wait=e.average_speed_of_answer(n),
                service_level={str(float(t)): e.service_level(n, asa=t) for t in ts if t > 0})


def num(x):
    return float(mp.nstr(x, 20)) if not isinstance(x, dict) else {str(float(k)): num(v) for k, v in x.items()}


def main():
    cases = []
    for case in ERLANG_C:
        name, per_hour, aht, c, ts = case
        ref = erlang_c(mp.mpf(per_hour / 3600), aht, c, ts)  # the exact double the Swift test reads
        cases.append(dict(model="C", name=name, arrival_rate=per_hour / 3600, aht=aht,
                          agents=c, thresholds=ts, expected={k: num(v) for k, v in ref.items()},
                          pyworkforce=pyworkforce_values("C", case)))
        print("C", name, "p_wait", mp.nstr(ref["p_wait"], 12), file=sys.stderr)
    for case in ERLANG_A:
        name, per_hour, aht, patience, n, ts = case
        lam = mp.mpf(per_hour / 3600)  # the exact double the Swift test reads
        ref = erlang_a_integrals(lam, aht, patience, n, ts)
        check = erlang_a_series(lam, aht, patience, n, ts)
        gap = max([rel(ref["p_wait"], check["p_wait"]), rel(ref["p_abandon"], check["p_abandon"])]
                  + [rel(ref["p_offered_wait_gt"][t], check["p_offered_wait_gt"][t]) for t in check["p_offered_wait_gt"]])
        cases.append(dict(model="A", name=name, arrival_rate=float(lam), aht=aht, patience=patience, agents=n,
                          thresholds=ts, expected={k: num(v) for k, v in ref.items()},
                          method_gap=float(gap), pyworkforce=pyworkforce_values("A", case)))
        print("A", name, "p_wait", mp.nstr(ref["p_wait"], 12), "gap", mp.nstr(gap, 3), file=sys.stderr)
    doc = dict(generator="scripts/staffing/reference.py", digits=mp.mp.dps, time_unit="seconds", cases=cases)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
