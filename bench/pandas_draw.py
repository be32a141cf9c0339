#!/usr/bin/python3
"""The reference peer for a whole `inspectctl draw`: the same job written as a
Python script with pandas and numpy, as an analyst would: read the CSV, put
it in uscc order, compute every entity's π from the policy's rates and
factors and the cooldown, draw a simple random sample of floor(π·N) (+1 with
the fraction's probability) in each stratum of equal π, write the selection.
No validation of codes or fields, no digest: the C side does both, so the
comparison favours this script.

usage: pandas_draw.py POPULATION.csv OUT.csv"""
import sys
import time

import numpy as np
import pandas as pd

RATE = {"A": 0.01, "B": 0.02, "C": 0.10, "D": 0.30}   # policies/henan-2021.yaml
FACTOR = {"R": 0.5, "P": 3.0, "E": 3.0}
CERTAIN = "B"
COOLDOWN = {"A": 365}
DATE = np.datetime64("2026-11-24")

t = [time.perf_counter()]
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
t.append(time.perf_counter())
df = df.sort_values("uscc", kind="stable", ignore_index=True)
t.append(time.perf_counter())

cls = df["class"].to_numpy()
flags = df["flags"]
pi = df["class"].map(RATE).to_numpy(dtype=np.float64)
for letter, f in FACTOR.items():
    pi = np.where(flags.str.contains(letter, regex=False), pi * f, pi)
pi = np.minimum(pi, 1.0)
pi[flags.str.contains(CERTAIN, regex=False).to_numpy()] = 1.0
last = pd.to_datetime(df["last_inspected"], errors="coerce").to_numpy()
for c, days in COOLDOWN.items():
    cooling = (cls == c) & (last > DATE - np.timedelta64(days, "D"))
    pi[cooling] = 0.0
rng = np.random.Generator(np.random.PCG64DXSM(1))
selected = np.zeros(len(df), dtype=bool)
for value in np.unique(pi):
    members = np.flatnonzero(pi == value)
    expected = value * len(members)
    take = int(expected) + int(rng.random() < expected - int(expected))
    selected[rng.choice(members, size=take, replace=False)] = True
t.append(time.perf_counter())

out = df.loc[selected, ["uscc", "class"]]
out["pi"] = pi[selected]
out["selected"] = 1
out.to_csv(sys.argv[2], index=False)
t.append(time.perf_counter())
phases = ["parse", "order", "draw", "write"]
print("pandas " + pd.__version__ + " rows " + str(len(df)) + " selected " +
      str(int(selected.sum())) + " " +
      " ".join(f"{p} {b - a:.3f}" for p, a, b in zip(phases, t, t[1:])) +
      f" total {t[-1] - t[0]:.3f}")
