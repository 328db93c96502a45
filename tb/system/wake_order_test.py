#!/usr/bin/python3
"""Timing may move, order may not, and neither may depend on the SystemC kernel: every
output of a run is the same, byte for byte, when the processes of each clock edge run in
another order. EVR_TEST_DELTA_JITTER=SEED makes each engine let 0-2 extra delta cycles
pass whenever it resumes on an edge (model/core/include/evr/core/delta_jitter.h), which
reorders everything the kernel is free to order; the arbiters and the half-cycle grant
phase (docs/timing.md, "Arbitration") must make that invisible. The planted fault
EVR_FAULT_ARBITER_CALL_ORDER (every arbiter grants in posting order, as the model did
before it had arbiters) must make it visible."""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import unittest

EVRSIM = None
PCAPS = None

BUILTIN = ["--set", "workload.frames=5000"]


def outputs(args, env_extra):
    """Every file of a run folder (provenance.json and the wall time left out)."""
    env = dict(os.environ, **env_extra)
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "out")
        r = subprocess.run([EVRSIM, *args, "-q", "-o", out], capture_output=True, text=True,
                           env=env, timeout=600)
        files = {}
        if r.returncode == 0:
            for root, _, names in os.walk(out):
                for n in names:
                    path = os.path.join(root, n)
                    rel = os.path.relpath(path, out)
                    if rel == "provenance.json":
                        continue
                    with open(path, "rb") as f:
                        data = f.read()
                    if rel == "stats.json":
                        stats = json.loads(data)
                        del stats["sim"]["wall_seconds"]
                        data = json.dumps(stats, sort_keys=True).encode()
                    files[rel] = data
        return r.returncode, r.stderr, files


def differences(a, b):
    names = sorted(set(a) | set(b))
    return [n for n in names if a.get(n) != b.get(n)]


class WakeOrder(unittest.TestCase):
    def same_whatever_the_order(self, args, seeds=(1, 2)):
        rc, err, base = outputs(args, {})
        self.assertEqual(rc, 0, err[-500:])
        for seed in seeds:
            rc, err, jittered = outputs(args, {"EVR_TEST_DELTA_JITTER": str(seed)})
            self.assertEqual(rc, 0, err[-500:])
            self.assertEqual(differences(base, jittered), [], f"seed {seed}")

    def test_builtin_workload_across_configs(self):
        configs = {
            "elastic": [],
            "hol": ["--policy", "hol"],
            "drop": ["--policy", "drop"],
            "strict": ["--set", "router.ordering=strict"],
            "priority": ["--set", "arbiter.fifo.policy=priority",
                         "--set", "arbiter.sram_read.policy=priority",
                         "--set", "arbiter.allocator.policy=priority",
                         "--set", "arbiter.host_write.policy=priority",
                         "--set", "arbiter.host_write.order=[local, parser]"],
            # A data store of four buffers: no_buffer drops and receive-buffer pressure.
            "tiny_store": ["--set", "fifo.buffer_classes=[2048]", "--set", "fifo.class_shares=[1]",
                           "--set", "sram.size_bytes=8192", "--set", "sram.reserve_bytes=0",
                           "--set", "rx_buffer.size_bytes=16384"],
            # The store engine waits for a free buffer instead of dropping.
            "tiny_store_wait": ["--set", "fifo.buffer_classes=[2048]",
                                "--set", "fifo.class_shares=[1]", "--set", "sram.size_bytes=8192",
                                "--set", "sram.reserve_bytes=0", "--set", "router.no_buffer=wait"],
            "allocator_latency_0": ["--set", "allocator.latency_cycles=0"],
            "lockstep": ["--fifo", "lockstep"],
        }
        for name, extra in configs.items():
            with self.subTest(config=name):
                self.same_whatever_the_order([*BUILTIN, *extra])

    def test_every_shared_capture(self):
        if not PCAPS or not os.path.isfile(os.path.join(PCAPS, "INDEX.tsv")):
            self.skipTest("shared captures absent")
        if os.environ.get("EVR_UNDER_SANITIZER"):
            self.skipTest("EVR_UNDER_SANITIZER: the capture sweep runs unsanitized")
        with open(os.path.join(PCAPS, "INDEX.tsv")) as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        ran = 0
        for row in rows:
            if row["linktype"] != "1" or "fuzz" in row["path"] or "invalid" in row["path"]:
                continue
            path = os.path.join(PCAPS, row["path"])
            with self.subTest(path=row["path"]):
                rc, _, _ = outputs([path, "--set", "output.conn_pcaps=false"], {})
                if rc != 0:
                    continue  # refused as a broken file: evrsim_test covers that
                self.same_whatever_the_order([path, "--set", "router.ordering=strict"],
                                             seeds=(1,))
                ran += 1
        print(f"\nwake order: {ran} shared captures identical under jitter", file=sys.stderr)
        self.assertGreater(ran, 100)

    def test_planted_call_order_arbiters_are_caught(self):
        fault = {"EVR_FAULT_ARBITER_CALL_ORDER": "1"}
        rc, err, base = outputs(BUILTIN, fault)
        self.assertEqual(rc, 0, err[-500:])
        changed = []
        for seed in (1, 2, 3):
            rc, err, jittered = outputs(BUILTIN, dict(fault, EVR_TEST_DELTA_JITTER=str(seed)))
            self.assertEqual(rc, 0, err[-500:])
            changed += differences(base, jittered)
        self.assertIn("packets.csv", changed)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--evrsim", required=True)
    ap.add_argument("--pcaps", default="")
    args, rest = ap.parse_known_args()
    EVRSIM = args.evrsim
    PCAPS = args.pcaps
    unittest.main(argv=[sys.argv[0], *rest], verbosity=1)
