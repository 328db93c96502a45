#!/usr/bin/env python3
"""System-level co-simulation: evrsim on the built-in workload with --fifo tlm, rtl and
lockstep. Every run must exit 0 (lockstep: no divergence in any command); rtl and
lockstep must produce byte-identical per-connection pcaps, packets.csv and dropped
outputs, and the same stats.json apart from wall time and the echoed back-end name.

usage: evrsim_backends_test.py EVRSIM WORKDIR [MAX_PACKETS]
"""
import filecmp
import json
import os
import shutil
import subprocess
import sys


def strip(stats):
    stats["sim"].pop("wall_seconds", None)
    stats.get("config", {}).pop("fifo", None)
    return stats


def same_but_backend(a, b):
    """The effective configurations are equal but for the back end each run chose."""
    def lines(p):
        with open(p) as f:
            return [l for l in f if not l.strip().startswith("backend:")]
    return os.path.exists(b) and lines(a) == lines(b)


def main():
    evrsim, work = sys.argv[1], sys.argv[2]
    packets = sys.argv[3] if len(sys.argv) > 3 else "20000"
    shutil.rmtree(work, ignore_errors=True)
    out = {}
    for backend in ("tlm", "rtl", "lockstep"):
        out[backend] = os.path.join(work, backend)
        r = subprocess.run([evrsim, "-o", out[backend], "--fifo", backend,
                            "--max-packets", packets, "--quiet"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL: --fifo {backend} exited {r.returncode}: {r.stderr.strip()}")
            return 1
    failures = 0
    ref = out["tlm"]
    for backend in ("rtl", "lockstep"):
        for root, _, files in os.walk(ref):
            for name in files:
                a = os.path.join(root, name)
                b = os.path.join(out[backend], os.path.relpath(a, ref))
                if name == "stats.json":
                    with open(a) as fa, open(b) as fb:
                        if strip(json.load(fa)) != strip(json.load(fb)):
                            print(f"FAIL: {backend}: stats.json differs from tlm")
                            failures += 1
                elif name == "provenance.json":
                    continue  # how each run was made: its command line and start time
                elif name == "config.yaml":
                    if same_but_backend(a, b):
                        continue
                    print(f"FAIL: {backend}: config.yaml differs from tlm beyond fifo.backend")
                    failures += 1
                elif not os.path.exists(b) or not filecmp.cmp(a, b, shallow=False):
                    print(f"FAIL: {backend}: {os.path.relpath(a, ref)} differs from tlm")
                    failures += 1
    with open(os.path.join(ref, "stats.json")) as f:
        conns = len(json.load(f)["connections"])
    print(f"tlm, rtl, lockstep: {packets} frames, {conns} connections, "
          f"{'identical' if failures == 0 else str(failures) + ' differences'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
