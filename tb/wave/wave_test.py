#!/usr/bin/python3
"""evrsim --vcd/--fst (docs/waveforms.md): the dumps parse, hold the key signals, change
inside the window and write nothing outside it; a window shows exactly the whole run's values
inside it; FST via GTKWave's fst2vcd; the RTL's
signals in rtl and lockstep mode; bad TIME values exit 2 with one line.

Usage: wave_test.py --evrsim PATH [--only NAME]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

CYCLE_PS = 4000  # 250 MHz, the default clock
FROM_PS = 100_000_000  # 100 us
TO_PS = 130_000_000  # 130 us
WINDOW = ["--trace-from", "100us", "--trace-to", "130us"]
BASE = ["-q", "--max-packets", "3000", "--set", "output.wave_connections=[all]"]

KEY_SIGNALS = [
    "router.adapter.frame",
    "router.rx_buffer.bytes",
    "router.parser.state",
    "router.parser.frame",
    "router.store.state",
    "router.local.state",
    "router.local.pick",
    "router.send.state",
    "router.allocator.credits_in_use",
    "router.fifo.cmd",
    "router.fifo.occupancy",
    "router.fifo.free_256",
    "router.frames.delivered",
    "router.arbiter.fifo.request",
    "router.arbiter.fifo.grant",
    "router.arbiter.sram_read.grant",
    "router.arbiter.allocator.grant",
    "router.arbiter.host_write.grant",
]
RTL_SIGNALS = [
    "rtl.evr_fifo.evr_fifo.clk_i",
    "rtl.evr_fifo.evr_fifo.cmd_valid_i",
    "rtl.evr_fifo.evr_fifo.fsm_q",
    "rtl.evr_fifo.evr_fifo.rsp_valid_o",
]


class Vcd:
    """Header (timescale, signals by full name) and value changes (time, code, value)."""

    def __init__(self, path):
        self.timescale = None
        self.names = {}  # full name -> code
        self.changes = []  # (time, code, value)
        self.times = []
        scope = []
        with open(path, encoding="ascii") as f:
            text = f.read()
        head, sep, body = text.partition("$enddefinitions")
        if not sep:
            raise AssertionError(f"{path}: no $enddefinitions")
        toks = head.split()
        i = 0
        while i < len(toks):
            t = toks[i]
            if t == "$timescale":
                j = toks.index("$end", i)
                self.timescale = "".join(toks[i + 1:j])
                i = j
            elif t == "$scope":
                scope.append(toks[i + 2])
                i += 3
            elif t == "$upscope":
                scope.pop()
            elif t == "$var":
                code, name = toks[i + 3], toks[i + 4]
                self.names[".".join(scope + [name])] = code
                i = toks.index("$end", i)
            i += 1
        time = None
        for line in body.splitlines()[1:]:
            line = line.strip()
            if not line or line.startswith("$"):
                continue
            if line[0] == "#":
                time = int(line[1:])
                self.times.append(time)
            elif line[0] in "bBrR":
                value, code = line[1:].split()
                self.changes.append((time, code, value))
            else:
                self.changes.append((time, line[1:], line[0]))

    def code(self, name):
        if name not in self.names:
            raise AssertionError(f"signal {name} missing (have {len(self.names)} signals)")
        return self.names[name]

    def changes_of(self, name):
        code = self.code(name)
        return [(t, v) for t, c, v in self.changes if c == code]


def run(evrsim, args, expect=0):
    p = subprocess.run([evrsim] + args, capture_output=True, text=True, timeout=600)
    if p.returncode != expect:
        raise AssertionError(f"evrsim {' '.join(args)}: exit {p.returncode}, expected {expect}\n"
                             f"{p.stderr}")
    return p


def check_window(vcd, names, lo=FROM_PS, hi=TO_PS):
    assert vcd.timescale == "1ps", vcd.timescale
    assert vcd.times, "definitions but no values"
    assert vcd.times == sorted(vcd.times), "timestamps go back"
    outside = [t for t in vcd.times if t < lo or t > hi]
    assert not outside, f"timestamps outside [{lo}, {hi}]: {outside[:5]}"
    assert vcd.times[0] == lo, f"first timestamp {vcd.times[0]}, not the window start {lo}"
    initial = {c for t, c, _ in vcd.changes if t == lo}
    missing = [n for n, c in vcd.names.items() if c not in initial]
    assert not missing, f"no value at the window start for {missing[:5]}"
    for n in names:
        inside = [t for t, _ in vcd.changes_of(n) if lo < t <= hi]
        assert inside, f"{n}: no value change inside the window"


def check_gtkw(gtkw, dump, vcd):
    assert os.path.exists(gtkw), f"{gtkw} not written"
    with open(gtkw, encoding="ascii") as f:
        text = f.read()
    assert os.path.abspath(dump) in text, "gtkw does not name the dump"
    for line in text.splitlines():
        if line.startswith(("router.", "rtl.")):
            vcd.code(line.split("[")[0])  # every listed signal exists


def test_vcd_tlm(evrsim, tmp):
    dump = os.path.join(tmp, "tlm.vcd")
    run(evrsim, BASE + ["-o", os.path.join(tmp, "o1"), "--vcd", dump] + WINDOW)
    vcd = Vcd(dump)
    check_window(vcd, KEY_SIGNALS)
    # Per-connection signals ([all]): posted buffers move, and a delivery pulse lasts one
    # cycle (0 again one cycle later).
    conns = sorted({n.split(".")[2] for n in vcd.names if n.startswith("router.conn.")})
    assert len(conns) > 2, conns
    moved = [c for c in conns
             if any(t > FROM_PS for t, _ in vcd.changes_of(f"router.conn.{c}.posted"))]
    assert moved, "no connection's posted buffers change inside the window"
    pulses = 0
    for c in conns:
        d = vcd.changes_of(f"router.conn.{c}.delivered")
        ones = [t for t, v in d if v not in ("0", "x") and t > FROM_PS]
        zeros = {t for t, v in d if v == "0"}
        assert all(t + CYCLE_PS in zeros or t + CYCLE_PS > TO_PS for t in ones), c
        pulses += len(ones)
    assert pulses, "no delivery pulse inside the window"
    # Arbiters: a grant (made half a period after the edge) shows from the edge of its
    # cycle, like every value: the dump is per cycle.
    for port in ("fifo", "sram_read", "allocator", "host_write"):
        grants = [(t, v) for t, v in vcd.changes_of(f"router.arbiter.{port}.grant")
                  if t > FROM_PS]
        starts = [t for t, v in grants if v.strip("0") not in ("", "x")]
        assert starts, f"{port}: no grant inside the window"
        assert all(t % CYCLE_PS == 0 for t in starts), (port, starts[:5])
    assert all(t % CYCLE_PS == 0 for t in vcd.times), "a value change between edges"
    assert not any(n.startswith("rtl.") for n in vcd.names), "RTL scope in tlm mode"
    check_gtkw(os.path.join(tmp, "tlm.gtkw"), dump, vcd)


def test_cycles_window(evrsim, tmp):
    dump = os.path.join(tmp, "cyc.vcd")
    run(evrsim, BASE + ["-o", os.path.join(tmp, "o2"), "--vcd", dump, "--trace-from",
                        "25000cycles", "--trace-to", "0.11ms"])
    check_window(Vcd(dump), KEY_SIGNALS[:4], 25000 * CYCLE_PS, 110_000_000)


def test_fst(evrsim, tmp):
    if not shutil.which("fst2vcd") or not shutil.which("vcd2fst"):
        print("SKIP fst: GTKWave's fst2vcd/vcd2fst not installed (Debian package gtkwave)")
        return
    dump = os.path.join(tmp, "w.fst")
    run(evrsim, BASE + ["-o", os.path.join(tmp, "o3"), "--fst", dump] + WINDOW)
    out = os.path.join(tmp, "from_fst.vcd")
    with open(out, "w", encoding="ascii") as f:
        subprocess.run(["fst2vcd", dump], stdout=f, check=True, timeout=300)
    vcd = Vcd(out)
    # fst2vcd writes its own timescale line and a $dumpvars block; same checks otherwise.
    check_window(vcd, KEY_SIGNALS)
    check_gtkw(os.path.join(tmp, "w.gtkw"), dump, vcd)


def test_rtl(evrsim, tmp, mode):
    dump = os.path.join(tmp, mode + ".vcd")
    lo, hi = 100_000_000, 102_000_000  # the RTL dump is dense: 2 us
    run(evrsim, BASE + ["-o", os.path.join(tmp, "o_" + mode), "--fifo", mode, "--vcd", dump,
                        "--trace-from", "100us", "--trace-to", "102us"])
    vcd = Vcd(dump)
    check_window(vcd, ["router.fifo.cmd", "router.fifo.occupancy"] + RTL_SIGNALS, lo, hi)
    # Same time base: the RTL's clock rises on the model's cycle edges.
    clk = vcd.changes_of("rtl.evr_fifo.evr_fifo.clk_i")
    rises = [t for t, v in clk if v == "1" and t > lo]
    assert rises and all(t % CYCLE_PS == 0 for t in rises), "RTL clock off the model's edges"
    cmd = [t for t, v in vcd.changes_of("router.fifo.cmd") if v != "x" and t > lo]
    assert set(t + CYCLE_PS for t in cmd) & set(rises), "no RTL edge one cycle after an issue"
    check_gtkw(os.path.join(tmp, mode + ".gtkw"), dump, vcd)


def test_bad_usage(evrsim, tmp):
    o = ["-o", os.path.join(tmp, "bad")]
    cases = [
        ["--vcd", os.path.join(tmp, "b.vcd"), "--trace-from", "12"],
        ["--vcd", os.path.join(tmp, "b.vcd"), "--trace-from", "3parsecs"],
        ["--vcd", os.path.join(tmp, "b.vcd"), "--trace-to", "1.5cycles"],
        ["--vcd", os.path.join(tmp, "b.vcd"), "--trace-from", "5us", "--trace-to", "1us"],
        ["--trace-from", "5us"],
        ["--vcd", os.path.join(tmp, "b.vcd"), "--set", "output.wave_connections=[nope]"],
        ["--vcd", os.path.join(tmp, "no", "such", "dir", "b.vcd")],
    ]
    for args in cases:
        p = run(evrsim, ["-q"] + o + args, expect=2)
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("evrsim: "), (args, p.stderr)


def test_lockstep_divergence(evrsim, tmp):
    # The correct RTL with one falsified response (EVR_LOCKSTEP_FAULT_AT, read by the
    # lockstep back end): the run must stop with exit 1 and one line naming the cycle,
    # and the waveform must be complete and end at the divergence.
    dump = os.path.join(tmp, "div.vcd")
    env = dict(os.environ, EVR_LOCKSTEP_FAULT_AT="3000")
    p = subprocess.run([evrsim, "-q", "-o", os.path.join(tmp, "o_div"), "--fifo", "lockstep",
                        "--set", "workload.frames=200", "--vcd", dump],
                       capture_output=True, text=True, timeout=300, env=env)
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert "ERROR: AddressSanitizer" not in p.stderr, p.stderr
    # One line only: under ASan that also fails on "ASan is ignoring requested
    # __asan_handle_no_return", which the failed thread's end drew until the sanitizer build
    # announced it to ASan (cmake/systemc_asan_fibers.cpp, docs/reliability.md).
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "lockstep mismatch at cycle " in lines[0], p.stderr
    cycle = int(lines[0].split("lockstep mismatch at cycle ")[1].split(":")[0])
    vcd = Vcd(dump)
    assert vcd.times, "no value changes in the divergence dump"
    last = max(vcd.times)
    # The dump runs up to the divergent command's response and no further.
    assert cycle * CYCLE_PS <= last <= (cycle + 4) * CYCLE_PS, (cycle, last)
    assert vcd.changes_of("rtl.evr_fifo.evr_fifo.clk_i"), "RTL signals missing"


def values_at(vcd, stamps):
    """Every signal's value at each of `stamps` (ascending), by full name: what a viewer
    shows at those times."""
    by_code = {}
    for t, c, v in vcd.changes:
        by_code.setdefault(c, []).append((t, v))
    out = {}
    for name, code in vcd.names.items():
        changes, cur, i, seen = by_code.get(code, []), None, 0, []
        for t in stamps:
            while i < len(changes) and changes[i][0] <= t:
                cur = changes[i][1]
                i += 1
            seen.append(cur)
        out[name] = seen
    return out


def test_window_is_a_slice(evrsim, tmp):
    # A windowed dump must show exactly what the whole-run dump shows inside the window:
    # the recorder skips work before and after it (docs/performance.md), never values.
    whole, part = os.path.join(tmp, "whole.vcd"), os.path.join(tmp, "part.vcd")
    lo, hi = 60_000_000, 75_000_000
    for extra in ([], ["--fifo", "lockstep"]):
        # --force: the second pass replaces the first pass's run folders.
        run(evrsim, BASE + extra + ["--force", "-o", os.path.join(tmp, "o1"), "--vcd", whole])
        run(evrsim, BASE + extra + ["--force", "-o", os.path.join(tmp, "o2"), "--vcd", part,
                                    "--trace-from", "60us", "--trace-to", "75us"])
        w, p = Vcd(whole), Vcd(part)
        stamps = sorted({t for t in w.times + p.times if lo <= t <= hi} | {lo})
        w_vals, p_vals = values_at(w, stamps), values_at(p, stamps)
        model = [n for n in w_vals if not n.startswith("rtl.")]
        assert len(model) > 50 and set(model) <= set(p_vals), len(model)
        moved = 0
        for name in model:
            assert p_vals[name] == w_vals[name], next(
                f"{extra} {name} at {t} ps: window {a}, whole {b}"
                for t, a, b in zip(stamps, p_vals[name], w_vals[name]) if a != b)
            moved += len(set(w_vals[name])) > 1
        assert moved > 20, f"only {moved} signals change inside the window"


TESTS = {
    "vcd_tlm": test_vcd_tlm,
    "window_is_a_slice": test_window_is_a_slice,
    "cycles_window": test_cycles_window,
    "fst": test_fst,
    "rtl": lambda e, t: test_rtl(e, t, "rtl"),
    "lockstep": lambda e, t: test_rtl(e, t, "lockstep"),
    "bad_usage": test_bad_usage,
    "lockstep_divergence": test_lockstep_divergence,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evrsim", required=True)
    ap.add_argument("--only")
    a = ap.parse_args()
    failed = 0
    for name, fn in TESTS.items():
        if a.only and name != a.only:
            continue
        with tempfile.TemporaryDirectory(prefix="evr-wave-") as tmp:
            try:
                fn(a.evrsim, tmp)
                print(f"PASS {name}")
            except AssertionError as e:
                failed += 1
                print(f"FAIL {name}: {e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
