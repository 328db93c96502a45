#!/usr/bin/python3
"""scripts/sweep and scripts/report on a small study: local backend, resumability, failure
reporting, study-file errors, and the Slurm backend on a single-node cluster brought up
on localhost (root only; skipped with a message otherwise). Both backends must give the
same results.csv apart from wall time."""
import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SWEEP = os.path.join(ROOT, "scripts", "sweep")
REPORT = os.path.join(ROOT, "scripts", "report")
STUDY = os.path.join(ROOT, "tb", "sweep", "small_study.yaml")
EVRSIM = None


def sweep(*args):
    return subprocess.run([SWEEP, *args, "--evrsim", EVRSIM], capture_output=True, text=True,
                          timeout=900)


def results(outdir):
    with open(os.path.join(outdir, "results.csv")) as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r.pop("wall_s")
    return rows


class Local(unittest.TestCase):
    def test_runs_every_point_and_resumes(self):
        with tempfile.TemporaryDirectory() as d:
            r = sweep(STUDY, "-o", d, "-j", "2")
            self.assertEqual(r.returncode, 0, r.stderr)
            rows = results(d)
            self.assertEqual(len(rows), 8)  # 2 policies x 2 sizes x 1 zip x 2 seeds
            self.assertEqual({r["exit"] for r in rows}, {"0"})
            self.assertEqual({r["router.policy"] for r in rows}, {"elastic", "drop"})
            for r in rows:
                self.assertEqual(r["input_frames"], "3000")
                self.assertEqual(r["checker_pass"], "True")
                self.assertNotEqual(r["pool_shrunk"], "")  # the study's own metric
            # The small data store loses frames only under drop... or for nobody.
            again = sweep(STUDY, "-o", d)
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertIn("8 already done, 0 to run", again.stderr)
            self.assertEqual(results(d), rows)
            # A lost status (an interrupted point) is run again, and only that one.
            victim = os.path.join(d, "points", rows[3]["id"], "status.json")
            os.remove(victim)
            third = sweep(STUDY, "-o", d)
            self.assertIn("7 already done, 1 to run", third.stderr)
            self.assertTrue(os.path.exists(victim))

    def test_failed_point_is_reported_with_its_command(self):
        with tempfile.TemporaryDirectory() as d:
            study = os.path.join(d, "bad.yaml")
            with open(study, "w") as f:
                f.write("set: {workload.frames: 500}\n"
                        "grid: {workload.load: [0.5, 7]}\n")  # 7 is out of range
            r = sweep(study, "-o", os.path.join(d, "out"))
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("1/2 points ok", r.stderr)
            self.assertIn("FAILED", r.stderr)
            self.assertIn("exit 2", r.stderr)
            self.assertIn("workload.load=7", r.stderr)
            rows = results(os.path.join(d, "out"))
            self.assertEqual([row["exit"] for row in rows], ["0", "2"])

    def test_study_file_errors_are_one_line(self):
        with tempfile.TemporaryDirectory() as d:
            cases = {"typo.yaml": ("grid: {router.policy: [hol]}\ngird: {}\n", "gird: unknown key"),
                     "zip.yaml": ("zip: {a: [1, 2], b: [1]}\n", "same length"),
                     "empty.yaml": ("grid: {router.policy: []}\n", "non-empty list")}
            for name, (text, expected) in cases.items():
                path = os.path.join(d, name)
                with open(path, "w") as f:
                    f.write(text)
                r = sweep(path, "-o", os.path.join(d, "out"))
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
                self.assertIn(expected, r.stderr)
                self.assertIn(name, r.stderr)

    def test_report_makes_plots_and_a_table(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(sweep(STUDY, "-o", d).returncode, 0)
            r = subprocess.run([REPORT, STUDY, "-o", d], capture_output=True, text=True,
                               timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(d, "report.md")) as f:
                md = f.read()
            self.assertIn("Small test study", md)
            self.assertIn("![Frames lost vs data-store size](loss.png)", md)
            self.assertIn("| router.policy | sram.size_bytes | dropped_total", md)
            with open(os.path.join(d, "loss.png"), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


class Slurm(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("single-node Slurm needs root")
        if not shutil.which("slurmctld") or not shutil.which("munged"):
            self.skipTest("slurm-wlm/munge not installed")

    def test_slurm_backend_agrees_with_local(self):
        with tempfile.TemporaryDirectory() as d:
            cluster = os.path.join(d, "cluster")
            env = dict(os.environ, EVR_SLURMCTLD_PORT="16917", EVR_SLURMD_PORT="16918")
            up = subprocess.run([os.path.join(ROOT, "scripts", "slurm-localhost"), "start",
                                 cluster], capture_output=True, text=True, env=env, timeout=120)
            self.assertEqual(up.returncode, 0, up.stderr)
            try:
                os.environ["SLURM_CONF"] = os.path.join(cluster, "slurm.conf")
                s = sweep(STUDY, "-o", os.path.join(d, "slurm"), "--backend", "slurm",
                          "--time", "10")
                self.assertEqual(s.returncode, 0, s.stderr)
                self.assertIn("submitted job array", s.stderr)
                l = sweep(STUDY, "-o", os.path.join(d, "local"))
                self.assertEqual(l.returncode, 0, l.stderr)
                self.assertEqual(results(os.path.join(d, "slurm")),
                                 results(os.path.join(d, "local")))
            finally:
                subprocess.run([os.path.join(ROOT, "scripts", "slurm-localhost"), "stop",
                                cluster], env=env, timeout=60)
                os.environ.pop("SLURM_CONF", None)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--evrsim", required=True)
    args, rest = ap.parse_known_args()
    EVRSIM = args.evrsim
    unittest.main(argv=[sys.argv[0], *rest], verbosity=1)
