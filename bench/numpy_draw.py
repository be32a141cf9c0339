#!/usr/bin/python3
"""The reference peer for the core draw: numpy's weighted sampling without
replacement, Generator.choice(N, size=n, replace=False, p=w), on the same
weights as inspectd's draw (written by bench_draw). Note that numpy's method
is successive sampling, whose inclusion probabilities are NOT proportional to
w: it is a speed reference, not an alternative.

usage: numpy_draw.py WEIGHTS.f64 SIZE [REPS]"""
import sys
import time

import numpy as np

w = np.fromfile(sys.argv[1], dtype=np.float64)
size = int(sys.argv[2])
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
p = w / w.sum()
times = []
for k in range(reps):
    rng = np.random.Generator(np.random.PCG64DXSM(k))
    t0 = time.perf_counter()
    sel = rng.choice(len(w), size=size, replace=False, p=p)
    times.append(time.perf_counter() - t0)
    assert len(sel) == size
t = sorted(times)[len(times) // 2]
print(f"numpy {np.__version__} entities {len(w)} selected {size} "
      f"median_s {t:.4f} entities_per_s {len(w) / t:.0f}")
