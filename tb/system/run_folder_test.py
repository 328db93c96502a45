#!/usr/bin/python3
"""Run folders (docs/evrsim.md, "Run folders"): whatever is planted in -o, nothing outside
it is created, written or truncated; folders are never shared or mixed; an earlier run is
replaced only with --force and nothing of it survives; a killed, refused or failed run
cannot pass for complete and leaves no temporary file; a full disk (a real one, on a
small tmpfs) leaves every file whole; and the folder says how it was made (provenance.json,
config.yaml that reruns the run)."""
import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import bad_input_test as b

EVRSIM = None
TIMEOUT = 300


def run(*args, outdir=None, timeout=TIMEOUT):
    cmd = [EVRSIM, *args, "-q"]
    if outdir:
        cmd += ["-o", outdir]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def snapshot(root):
    """Every path under `root` (links not followed) with its type and content hash."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            if os.path.islink(p):
                out[p] = ("link", os.readlink(p))
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    out[p] = ("file", hashlib.sha256(f.read()).hexdigest(), st.st_size)
            else:
                out[p] = ("other", st.st_mode)
    return out


def leftovers(out):
    """Temporary names evrsim could leave: staging folders, *.tmp files."""
    found = []
    for dirpath, dirs, files in os.walk(out):
        found += [n for n in dirs + files if n.startswith(".evrsim") or n.endswith(".tmp")]
    return found


def small_trace(path, frames=200):
    recs = [(i * 20_000, b.frame(b.mac(1 + i % 4), i)) for i in range(frames)]
    return b.write(path, b.pcap_bytes(recs))


class Planted(unittest.TestCase):
    """Links, FIFOs and devices planted in -o: refused, never followed or opened."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.d = self.dir.name
        self.victim = os.path.join(self.d, "victim")
        os.mkdir(self.victim)
        b.write(os.path.join(self.victim, "file.txt"), "precious\n")
        self.out = os.path.join(self.d, "sy")
        os.mkdir(self.out)
        self.trace = small_trace(os.path.join(self.d, "t.pcap"))

    def tearDown(self):
        self.dir.cleanup()

    def refused_untouched(self, *words, force=False):
        before = snapshot(self.victim)
        before_out = snapshot(self.out)
        args = [self.trace] + (["--force"] if force else [])
        r = run(*args, outdir=self.out)
        b.one_line_error(self, r, *words)
        self.assertEqual(snapshot(self.victim), before, "a file outside -o changed")
        self.assertEqual(snapshot(self.out), before_out, "the refused folder changed")

    def test_issue_reproduction(self):
        os.symlink("../victim", os.path.join(self.out, "conn"))
        os.symlink("../victim/file.txt", os.path.join(self.out, "packets.csv"))
        for force in (False, True):
            self.refused_untouched("symbolic link", force=force)

    def test_each_planted_name(self):
        for name in ("packets.csv", "stats.json", "stats.json.tmp", ".evrsim-write-test",
                     "timeline.csv", "dropped.pcap", "conn", "provenance.json"):
            with self.subTest(name=name):
                link = os.path.join(self.out, name)
                os.symlink("../victim/file.txt", link)
                self.refused_untouched(name, force=True)
                os.unlink(link)

    def test_link_inside_conn(self):
        os.mkdir(os.path.join(self.out, "conn"))
        os.symlink("../../victim/file.txt", os.path.join(self.out, "conn", "vm00.pcap"))
        self.refused_untouched("conn/vm00.pcap", "symbolic link", force=True)

    def test_fifo_does_not_block(self):
        os.mkfifo(os.path.join(self.out, "timeline.csv"))
        self.refused_untouched("timeline.csv", "FIFO", force=True)

    def test_device_node(self):
        if os.geteuid() != 0:
            self.skipTest("mknod needs root")
        os.mknod(os.path.join(self.out, "packets.csv"), 0o600 | 0o020000, os.makedev(1, 3))
        self.refused_untouched("packets.csv", "device", force=True)

    def test_foreign_files(self):
        b.write(os.path.join(self.out, "notes.txt"), "mine\n")
        self.refused_untouched("notes.txt", force=True)

    def test_dangling_symlink_as_outdir(self):
        os.rmdir(self.out)
        os.symlink(os.path.join(self.d, "nowhere"), self.out)
        r = run(self.trace, outdir=self.out)
        b.one_line_error(self, r, "dangling")
        self.assertFalse(os.path.exists(os.path.join(self.d, "nowhere")))

    def test_outdir_is_a_file(self):
        os.rmdir(self.out)
        b.write(self.out, "x")
        b.one_line_error(self, run(self.trace, outdir=self.out), "not an output folder")


class Reuse(unittest.TestCase):
    """Earlier runs, concurrent runs, killed runs."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.d = self.dir.name
        self.out = os.path.join(self.d, "out")

    def tearDown(self):
        self.dir.cleanup()

    def test_earlier_run_needs_force_and_is_replaced_whole(self):
        r = run("--set", "workload.frames=3000", outdir=self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        first = snapshot(self.out)
        many = set(os.listdir(os.path.join(self.out, "conn")))
        self.assertGreater(len(many), 8)
        r = run("--set", "workload.frames=300", "--set", "workload.vms=4", "--set", "workload.vlans=1", outdir=self.out)
        b.one_line_error(self, r, "earlier run", "--force")
        self.assertEqual(snapshot(self.out), first, "a refused run touched the earlier run")
        r = run("--force", "--set", "workload.frames=300", "--set", "workload.vms=4", "--set", "workload.vlans=1",
                outdir=self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        few = set(os.listdir(os.path.join(self.out, "conn")))
        self.assertLessEqual(len(few), 4, "pcaps of the earlier run survived")
        self.assertEqual(b.read_stats(self.out)["input"]["frames"], 300)
        self.assertEqual(len(b.packets_rows(self.out)), 300)
        self.assertEqual(leftovers(self.out), [])

    def test_refused_config_leaves_the_earlier_run_as_it_was(self):
        self.assertEqual(run("--set", "workload.frames=200", outdir=self.out).returncode, 0)
        first = snapshot(self.out)
        r = run("--force", "--set", "fifo.nonsense=1", outdir=self.out)
        b.one_line_error(self, r, "fifo.nonsense")
        self.assertEqual(snapshot(self.out), first)

    def test_second_run_on_a_folder_in_use_is_refused(self):
        p = subprocess.Popen([EVRSIM, "--set", "workload.frames=400000", "-q", "-o", self.out],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while b.staged_size(self.out, "packets.csv") < 1000 and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertIsNone(p.poll(), "the first run ended too soon to overlap")
            for force in ([], ["--force"]):
                r = run(*force, "--set", "workload.frames=100", outdir=self.out)
                b.one_line_error(self, r, "in use")
            _, err = p.communicate(timeout=TIMEOUT)
        finally:
            if p.poll() is None:
                p.kill()
        self.assertEqual(p.returncode, 0, err)
        # The first run's folder is its own, unmixed: one row per frame of 400000.
        self.assertEqual(b.read_stats(self.out)["input"]["frames"], 400000)
        self.assertEqual(len(b.packets_rows(self.out)), 400000)

    def test_sigkill_leaves_no_stats(self):
        self.assertEqual(run("--set", "workload.frames=200", outdir=self.out).returncode, 0)
        p = subprocess.Popen([EVRSIM, "--force", "--set", "workload.frames=5000000", "-q",
                              "-o", self.out], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while b.staged_size(self.out, "packets.csv") < 10_000 and time.monotonic() < deadline:
            time.sleep(0.05)
        p.kill()
        p.wait()
        # Recognisably incomplete: the earlier run is gone and no stats.json stands.
        self.assertFalse(os.path.exists(os.path.join(self.out, "stats.json")))
        self.assertFalse(os.path.exists(os.path.join(self.out, "packets.csv")))
        b.one_line_error(self, run("--set", "workload.frames=100", outdir=self.out),
                         "earlier run")
        r = run("--force", "--set", "workload.frames=100", outdir=self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(leftovers(self.out), [], "the killed run's staging folder survived")

    def test_inputs_inside_the_folder_are_refused(self):
        self.assertEqual(run("--set", "workload.frames=200", outdir=self.out).returncode, 0)
        pcap = os.path.join(self.out, "conn", sorted(os.listdir(os.path.join(self.out,
                                                                             "conn")))[0])
        first = snapshot(self.out)
        b.one_line_error(self, run(pcap, "--force", outdir=self.out), "inside the output folder")
        b.one_line_error(self, run("-c", os.path.join(self.out, "config.yaml"), "--force",
                                   outdir=self.out), "inside the output folder")
        self.assertEqual(snapshot(self.out), first)

    def test_waveform_onto_an_output(self):
        if not waves_built():
            self.skipTest("evrsim built without waveforms")
        for name in ("packets.csv", "w.vcd", "conn/x.vcd"):
            with self.subTest(name=name):
                r = run("--set", "workload.frames=100", "--vcd", os.path.join(self.out, name),
                        outdir=self.out)
                b.one_line_error(self, r, "--vcd", "inside the output folder")
                self.assertFalse(os.path.exists(self.out), "refused, yet the folder was made")

    def test_waveform_to_dev_full_leaves_no_temporary(self):
        if not waves_built():
            self.skipTest("evrsim built without waveforms")
        if not os.access("/dev", os.W_OK):
            self.skipTest("/dev not writable: the temporary could not be made there anyway")
        before = set(os.listdir("/dev"))
        r = run("--set", "workload.frames=200", "--vcd", "/dev/full", outdir=self.out)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertEqual(sorted(set(os.listdir("/dev")) - before), [])
        self.assertFalse(b.read_stats(self.out)["complete"])

    def test_overlong_connection_name_is_refused_when_read(self):
        cfg = b.write(os.path.join(self.d, "c.yaml"),
                      "connections:\n  - {name: " + "n" * 251 + ", mac: '02:00:00:00:00:01'}\n")
        r = run("-c", cfg, outdir=self.out)
        b.one_line_error(self, r, "connections[0].name", "250")
        self.assertFalse(os.path.exists(self.out))
        cfg = b.write(os.path.join(self.d, "c.yaml"),
                      "connections:\n  - {name: " + "n" * 250 + ", mac: '02:00:00:00:00:01'}\n")
        trace = small_trace(os.path.join(self.d, "t.pcap"))
        self.assertEqual(run(trace, "-c", cfg, outdir=self.out).returncode, 0)
        self.assertEqual(os.listdir(os.path.join(self.out, "conn")), ["n" * 250 + ".pcap"])


def waves_built():
    r = run("--vcd", "/nonexistent-dir/x.vcd", "--print-config")
    return "without waveforms" not in r.stderr


class Failures(unittest.TestCase):
    """Runs that fail after the simulation started still leave a stats.json saying so."""

    def test_lockstep_mismatch(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "out")
            env = dict(os.environ, EVR_LOCKSTEP_FAULT_AT="500")
            r = subprocess.run([EVRSIM, "--fifo", "lockstep", "--set", "workload.frames=2000",
                                "-q", "-o", out], capture_output=True, text=True, env=env,
                               timeout=TIMEOUT)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            s = b.read_stats(out)
            self.assertFalse(s["complete"])
            f = s["failure"]
            self.assertEqual(f["kind"], "lockstep_mismatch")
            for key in ("cycle", "command", "expected", "actual", "message"):
                self.assertIn(key, f)
            self.assertNotEqual(f["expected"], f["actual"])
            self.assertGreater(f["cycle"], 0)
            self.assertEqual(leftovers(out), [])
            b.packets_rows(out)  # whole rows

    def test_trace_broken_mid_file(self):
        with tempfile.TemporaryDirectory() as d:
            raw = b.pcap_bytes([(i * 10_000, b.frame(b.mac(1 + i % 2), i)) for i in range(2000)])
            trace = b.write(os.path.join(d, "cut.pcap"), raw[:-10])
            cfg = b.unicast_config(os.path.join(d, "c.yaml"))
            out = os.path.join(d, "out")
            r = run(trace, "-c", cfg, outdir=out)
            b.one_line_error(self, r, "cut.pcap", "truncated")
            s = b.read_stats(out)
            self.assertFalse(s["complete"])
            self.assertEqual(s["failure"]["kind"], "bad_input")


class FullDisk(unittest.TestCase):
    """A real ENOSPC on a small tmpfs, at each kind of output."""

    def setUp(self):
        self.mnt = tempfile.mkdtemp()
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", self.mnt],
                           capture_output=True, text=True)
        if r.returncode != 0:
            os.rmdir(self.mnt)
            self.skipTest("cannot mount a tmpfs here (needs root): " + r.stderr.strip())

    def tearDown(self):
        subprocess.run(["umount", self.mnt])
        os.rmdir(self.mnt)

    def check_whole(self, out, r):
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("No space left on device", lines[0])
        self.assertEqual(leftovers(out), [], "temporary files left behind")
        for name in os.listdir(os.path.join(out, "conn")):
            b.read_pcap(os.path.join(out, "conn", name))  # header and whole records
        if os.path.exists(os.path.join(out, "dropped.pcap")):
            b.read_pcap(os.path.join(out, "dropped.pcap"))
        for name in ("packets.csv", "dropped.csv", "timeline.csv"):
            path = os.path.join(out, name)
            if os.path.exists(path):
                with open(path) as f:
                    text = f.read()
                self.assertTrue(text.endswith("\n"), f"{name} ends mid-row")
                rows = text.splitlines()
                width = len(rows[0].split(","))
                for row in rows[1:]:
                    # packets.csv's outcome column has no commas; every row is whole.
                    self.assertEqual(len(row.split(",")), width, (name, row))
        if os.path.exists(os.path.join(out, "stats.json")):
            s = b.read_stats(out)
            self.assertFalse(s["complete"])
            self.assertEqual(s["failure"]["kind"], "write_error")

    def test_every_output(self):
        out = os.path.join(self.mnt, "out")
        r = run("--set", "workload.frames=30000", outdir=out)
        self.check_whole(out, r)

    def test_packets_csv_only(self):
        out = os.path.join(self.mnt, "out")
        r = run("--set", "workload.frames=30000", "--set", "output.conn_pcaps=false",
                "--set", "output.dropped_pcap=false", outdir=out)
        self.check_whole(out, r)

    def test_timeline_only(self):
        out = os.path.join(self.mnt, "out")
        r = run("--set", "workload.frames=30000", "--set", "output.conn_pcaps=false",
                "--set", "output.dropped_pcap=false", "--set", "output.packets_csv=false",
                "--set", "output.timeline_interval_us=0.01", outdir=out)
        self.check_whole(out, r)


class Provenance(unittest.TestCase):
    """The folder says how it was made, and config.yaml makes it again."""

    def test_provenance_and_rerun(self):
        with tempfile.TemporaryDirectory() as d:
            trace = small_trace(os.path.join(d, "t.pcap"), 500)
            out1, out2 = os.path.join(d, "o1"), os.path.join(d, "o2")
            r = run(trace, "--set", "sram.size_bytes=4194304", "--policy", "hol",
                    "--seed", "9", outdir=out1)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(out1, "provenance.json")) as f:
                p = json.load(f)
            with open(trace, "rb") as f:
                self.assertEqual(p["input"]["sha256"], hashlib.sha256(f.read()).hexdigest())
            self.assertEqual(p["input"]["size_bytes"], os.path.getsize(trace))
            self.assertEqual(p["seed"], 9)
            self.assertIn("--policy", p["command"]["argv"])
            for key in ("version", "git_commit", "git_dirty", "systemc", "verilator",
                        "libpcap"):
                self.assertIn(key, p["evrsim"])
            self.assertTrue(p["host"] and p["started_utc"].endswith("Z"))
            version = subprocess.run([EVRSIM, "--version"], capture_output=True,
                                     text=True).stdout
            self.assertIn(p["evrsim"]["git_commit"], version)
            self.assertIn(p["evrsim"]["libpcap"], version)
            cfg = os.path.join(d, "again.yaml")
            with open(os.path.join(out1, "config.yaml")) as src, open(cfg, "w") as dst:
                dst.write(src.read())
            r = run(trace, "-c", cfg, outdir=out2)
            self.assertEqual(r.returncode, 0, r.stderr)
            for name in ["packets.csv", "dropped.csv", "timeline.csv", "config.yaml"] + \
                    ["conn/" + n for n in os.listdir(os.path.join(out1, "conn"))]:
                with open(os.path.join(out1, name), "rb") as f1, \
                        open(os.path.join(out2, name), "rb") as f2:
                    self.assertEqual(f1.read(), f2.read(), name)


class Summary(unittest.TestCase):
    """The summary: anomalies and human units; --progress for logs."""

    def test_anomalies_and_units(self):
        with tempfile.TemporaryDirectory() as d:
            recs = [(i * 10_000, b.frame(b.mac(1 + i % 2), i)) for i in range(50)]
            recs[10] = (0, recs[10][1])  # a timestamp going backwards: clamped
            recs.append((10**9, b.frame(b.mac(1), 50)[:40], 64))  # sliced
            trace = b.write(os.path.join(d, "t.pcap"), b.pcap_bytes(recs))
            cfg = b.unicast_config(os.path.join(d, "c.yaml"))
            r = subprocess.run([EVRSIM, trace, "-c", cfg, "-o", os.path.join(d, "o")],
                               capture_output=True, text=True, timeout=TIMEOUT)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stderr, r"input anomalies: .*1 timestamps clamped")
            self.assertIn("1 sliced records", r.stderr)
            self.assertRegex(r.stderr, r"simulated [0-9.]+ (ns|µs|ms|s) in [0-9.]+ (µs|ms|s) wall")
            self.assertRegex(r.stderr, r"latency p50 [0-9.]+ (ns|µs)")

    def test_progress_lines_in_a_log(self):
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([EVRSIM, "--set", "workload.frames=300000", "--progress", "0.2",
                                "-o", os.path.join(d, "o")], capture_output=True, text=True,
                               timeout=TIMEOUT)
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = [l for l in r.stderr.splitlines() if "simulated in" in l]
            self.assertGreaterEqual(len(lines), 2, r.stderr)
            self.assertNotIn("\r", r.stderr)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--evrsim", required=True)
    args, rest = ap.parse_known_args()
    EVRSIM = b.EVRSIM = args.evrsim
    unittest.main(argv=[sys.argv[0], *rest], verbosity=1)
