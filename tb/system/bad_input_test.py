#!/usr/bin/python3
"""The bad-input matrix of evrsim (docs/reliability.md): broken and unusual traces,
configurations with every kind of mistake, unusable output folders, a full disk,
interrupted runs, and VLAN isolation under storms and stalls.

What cannot be simulated must give one line `evrsim: FILE-or-KEY: problem` and exit 2;
what can must be simulated with every input frame accounted for (one packets.csv row per
frame, checker pass); nothing may crash or hang (every run has a timeout). The bad files
are built here with struct, stdlib only."""
import argparse
import csv
import json
import os
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest

EVRSIM = None
TIMEOUT = 300  # seconds per evrsim run; a hang fails the test instead of stalling CI


def run(*args, outdir=None, preexec_fn=None, timeout=TIMEOUT):
    cmd = [EVRSIM, *args, "-q"]
    if outdir:
        cmd += ["-o", outdir]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          preexec_fn=preexec_fn)


def unprivileged():
    """A preexec_fn that drops root to nobody (CI runs as root, for which file modes stop
    nothing), or None when already unprivileged."""
    if os.geteuid() != 0:
        return None

    def drop():
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    return drop


# ---- Building traces -------------------------------------------------------------------

def mac(last, first=0x02):
    return bytes([first, 0, 0, 0, 0, last])


BCAST = b"\xff" * 6


def frame(dst, seq, size=64, tags=(), ethertype=0x88B5):
    """An Ethernet frame whose last 4 bytes are `seq`, so copies can be told apart.
    tags: (tpid, vid) outermost first."""
    b = dst + mac(0xAA)
    for tpid, vid in tags:
        b += struct.pack(">HH", tpid, vid)
    b += struct.pack(">H", ethertype)
    b += bytes(max(0, size - len(b) - 4))
    return b + struct.pack(">I", seq)


def arp_request(target_ip, seq, tags=()):
    body = struct.pack(">HHBBH", 1, 0x0800, 6, 4, 1) + mac(0xAA) + bytes([10, 0, 0, 99]) \
        + bytes(6) + bytes(target_ip)
    b = BCAST + mac(0xAA)
    for tpid, vid in tags:
        b += struct.pack(">HH", tpid, vid)
    b += struct.pack(">H", 0x0806) + body
    b += bytes(max(0, 60 - len(b)))
    return b + struct.pack(">I", seq)


def pcap_bytes(records, linktype=1, nano=True, endian="<", version=(2, 4), snaplen=262144,
               magic=None):
    """records: (t_ns, data) or (t_ns, data, orig_len)."""
    if magic is None:
        magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = struct.pack(endian + "IHHiIII", magic, version[0], version[1], 0, 0, snaplen,
                      linktype)
    for rec in records:
        t, data = rec[0], rec[1]
        orig = rec[2] if len(rec) > 2 else len(data)
        frac = t % 10**9 if nano else (t % 10**9) // 1000
        out += struct.pack(endian + "IIII", t // 10**9, frac, len(data), orig) + data
    return out


def pcapng_block(btype, body):
    body += bytes(-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def pcapng_bytes(interfaces, records):
    """interfaces: [(linktype, snaplen)]; records: (interface, t_ns, data). Default
    resolution (µs)."""
    out = pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    for lt, snap in interfaces:
        out += pcapng_block(1, struct.pack("<HHI", lt, 0, snap))
    for iface, t, data in records:
        us = t // 1000
        out += pcapng_block(6, struct.pack("<IIIII", iface, us >> 32, us & 0xFFFFFFFF,
                                           len(data), len(data)) + data)
    return out


def write(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path


def read_pcap(path):
    """Every record of a pcap written by evrsim (ns, little endian) as (t_ns, data,
    orig_len); fails on a partial record, so it also proves the file is whole."""
    with open(path, "rb") as f:
        raw = f.read()
    magic, _, _, _, _, _, lt = struct.unpack_from("<IHHiIII", raw, 0)
    assert magic == 0xA1B23C4D and lt == 1, path
    pos, recs = 24, []
    while pos < len(raw):
        assert pos + 16 <= len(raw), f"{path}: partial record header at {pos}"
        s, ns, cap, orig = struct.unpack_from("<IIII", raw, pos)
        assert pos + 16 + cap <= len(raw), f"{path}: partial record data at {pos}"
        recs.append((s * 10**9 + ns, raw[pos + 16:pos + 16 + cap], orig))
        pos += 16 + cap
    return recs


def one_line_error(test, r, *words):
    test.assertEqual(r.returncode, 2, r.stderr)
    lines = r.stderr.strip().splitlines()
    test.assertEqual(len(lines), 1, r.stderr)
    test.assertTrue(lines[0].startswith("evrsim: "), r.stderr)
    for w in words:
        test.assertIn(w, lines[0])


def packets_rows(outdir):
    with open(os.path.join(outdir, "packets.csv"), newline="") as f:
        text = f.read()
    if text:
        assert text.endswith("\n"), "packets.csv ends in a partial row"
    return list(csv.DictReader(text.splitlines()))


def accounted(test, r, outdir, frames):
    """Simulated: exit 0, one packets.csv row per input frame, checker pass."""
    test.assertEqual(r.returncode, 0, r.stderr)
    with open(os.path.join(outdir, "stats.json")) as f:
        stats = json.load(f)
    test.assertTrue(stats["complete"])
    test.assertTrue(stats["checker"]["pass"], stats["checker"])
    test.assertEqual(stats["input"]["frames"], frames)
    rows = packets_rows(outdir)
    test.assertEqual(sorted(int(x["index"]) for x in rows), list(range(frames)))
    for x in rows:
        if int(x["delivered"]) < int(x["copies"]):
            test.assertIn("!", x["outcome"], x)
    return stats, rows


def unicast_config(path, connections=(("a", 1, None), ("b", 2, None))):
    text = "connections:\n"
    for name, last, vlan in connections:
        text += f"  - {{name: {name}, mac: '02:00:00:00:00:{last:02x}'"
        text += f", vlan: {vlan}}}\n" if vlan else "}\n"
    return write(path, text)


class Traces(unittest.TestCase):
    """Trace files that are broken, unusual or not Ethernet."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.d = self.dir.name
        self.out = os.path.join(self.d, "out")
        self.good = [(i * 10_000, frame(mac(1 + i % 2), i)) for i in range(20)]

    def tearDown(self):
        self.dir.cleanup()

    def trace(self, name, data):
        return write(os.path.join(self.d, name), data)

    def refused(self, name, data, *words):
        r = run(self.trace(name, data), outdir=self.out)
        one_line_error(self, r, name, *words)
        # No stats.json claims a result: none when refused before the run, one saying
        # complete=false when the trace broke during it.
        if os.path.exists(os.path.join(self.out, "stats.json")):
            self.assertFalse(read_stats(self.out)["complete"])

    def test_truncated_record_data(self):
        self.refused("cut_data.pcap", pcap_bytes(self.good)[:-10], "truncated")

    def test_truncated_record_header(self):
        data = pcap_bytes(self.good)
        self.refused("cut_header.pcap", data + data[24:30])

    def test_truncated_file_header(self):
        self.refused("cut_file_header.pcap", pcap_bytes(self.good)[:20])

    def test_absurd_record_lengths(self):
        for cap, orig in [(0x7FFFFFFF, 0x7FFFFFFF), (0xFFFFFFFF, 60), (300000, 300000)]:
            with self.subTest(cap=cap):
                data = pcap_bytes(self.good[:3]) + struct.pack("<IIII", 1, 0, cap, orig) \
                    + bytes(64)
                self.refused(f"absurd_{cap}.pcap", data, "record 4")

    def test_caplen_larger_than_origlen(self):
        self.refused("cap_gt_orig.pcap", pcap_bytes([(0, frame(mac(1), 0), 50)]), "record 1")

    def test_wrong_magic(self):
        for magic in [0, 0xD4C3B2A0, 0x0A0D0D0B]:
            with self.subTest(magic=hex(magic)):
                self.refused(f"magic_{magic:x}.pcap", pcap_bytes(self.good, magic=magic))

    def test_not_a_capture(self):
        self.refused("text.pcap", b"this is not a capture at all\n" * 10)
        self.refused("zeros.pcap", bytes(4096))

    def test_unsupported_version(self):
        self.refused("version.pcap", pcap_bytes(self.good, version=(2, 5)), "version")

    def test_non_ethernet_linktypes(self):
        for lt in [0, 101, 105, 113, 127, 228, 276]:
            with self.subTest(linktype=lt):
                self.refused(f"lt{lt}.pcap", pcap_bytes(self.good, linktype=lt),
                             "not Ethernet")

    def test_pcapng_interfaces_of_different_linktypes(self):
        recs = [(i % 3, t, data) for i, (t, data) in enumerate(self.good)]
        self.refused("mixed_lt.pcapng", pcapng_bytes([(1, 65535), (113, 65535), (1, 0)], recs),
                     "not Ethernet")

    def test_pcapng_interfaces_of_different_snaplens(self):
        # What mergecap writes: several Ethernet interfaces, any snaplens (docs/trace_io.md).
        recs = [(i % 3, t, data) for i, (t, data) in enumerate(self.good)]
        r = run(self.trace("snaplens.pcapng",
                           pcapng_bytes([(1, 65535), (1, 128), (1, 0)], recs)),
                outdir=self.out)
        accounted(self, r, self.out, len(recs))

    def test_empty_file(self):
        self.refused("empty.pcap", b"", "empty")

    def test_header_only_is_an_empty_run_or_refused(self):
        r = run(self.trace("header_only.pcap", pcap_bytes([])), outdir=self.out)
        if r.returncode == 2:
            one_line_error(self, r, "header_only.pcap")
        else:
            accounted(self, r, self.out, 0)

    def test_directory_as_trace(self):
        r = run(self.d, outdir=self.out)
        one_line_error(self, r, "directory")

    def test_unreadable_file(self):
        path = self.trace("secret.pcap", pcap_bytes(self.good))
        os.chmod(path, 0)
        os.chmod(self.d, 0o777)  # as nobody, reach the file; only its own mode stops the read
        r = run(path, outdir=self.out, preexec_fn=unprivileged())
        one_line_error(self, r, "secret.pcap", "Permission denied")

    def test_zero_length_and_runt_frames(self):
        recs = [(0, b""), (1000, b"\x02"), (2000, frame(mac(1), 1)[:13]),
                (3000, frame(mac(1), 2)[:14]), (4000, frame(mac(1), 3)), (5000, b"", 60),
                (6000, frame(mac(2), 4)[:20])]
        r = run(self.trace("runts.pcap", pcap_bytes(recs)), outdir=self.out)
        stats, rows = accounted(self, r, self.out, len(recs))
        by_index = {int(x["index"]): x for x in rows}
        for i in (0, 1, 2, 5):
            self.assertIn("runt", by_index[i]["outcome"])
        self.assertEqual(stats["dropped"]["by_reason"]["runt"], 4)

    def test_sliced_frames(self):
        # Captured < original: the wire length drives timing, the parser sees what exists.
        recs = [(i * 10_000, frame(mac(1 + i % 2), i, size=1500)[:cut], 1500)
                for i, cut in enumerate([14, 16, 18, 40, 64, 100, 1499])]
        recs += [(100_000, frame(mac(1), 99, tags=[(0x8100, 5)])[:15], 64)]  # tag cut off
        cfg = unicast_config(os.path.join(self.d, "c.yaml"))
        r = run(self.trace("sliced.pcap", pcap_bytes(recs, snaplen=1500)), "-c", cfg,
                outdir=self.out)
        accounted(self, r, self.out, len(recs))
        for rec in read_pcap(os.path.join(self.out, "conn", "a.pcap")):
            self.assertEqual(rec[2], 1500)  # orig_len kept on delivery
            self.assertLess(len(rec[1]), 1500)

    def test_frames_over_the_largest_buffer_class(self):
        sizes = [9216, 9217, 9300, 16000, 65535, 200000]
        recs = [(i * 100_000, frame(mac(1), i, size=s)) for i, s in enumerate(sizes)]
        cfg = unicast_config(os.path.join(self.d, "c.yaml"))
        for extra in ([], ["--set", "mac.max_frame_bytes=65535"],
                      ["--set", "fifo.buffer_classes=[256, 2048]",
                       "--set", "fifo.class_shares=[0.5, 0.5]"]):
            with self.subTest(extra=extra):
                out = os.path.join(self.d, "out%d" % len(extra))
                r = run(self.trace("big.pcap", pcap_bytes(recs)), "-c", cfg, *extra,
                        outdir=out)
                stats, _ = accounted(self, r, out, len(recs))
                self.assertGreater(stats["dropped"]["by_reason"]["oversize"], 0)

    def test_vlan_stacks(self):
        stacks = [[], [(0x8100, 10)], [(0x88A8, 10)], [(0x9100, 10)],
                  [(0x88A8, 10), (0x8100, 20)], [(0x8100, 10), (0x8100, 20), (0x8100, 30)],
                  [(0x8100, 0)], [(0x8100, 0), (0x8100, 10)], [(0x88A8, 20)] * 9,
                  [(0x8100, 4095)], [(0x8100, 30)]]
        recs = [(i * 10_000, frame(mac(1), i, tags=t)) for i, t in enumerate(stacks)]
        cfg = unicast_config(os.path.join(self.d, "c.yaml"),
                             [("untagged", 1, None), ("v10", 1, 10), ("v20", 1, 20)])
        r = run(self.trace("vlans.pcap", pcap_bytes(recs)), "-c", cfg, outdir=self.out)
        _, rows = accounted(self, r, self.out, len(recs))
        outcome = {int(x["index"]): x["outcome"] for x in rows}
        # The outer tag decides; VID 0 is untagged; inner tags never do.
        expect = {0: "untagged", 1: "v10", 2: "v10", 3: "v10", 4: "v10", 5: "v10",
                  6: "untagged", 7: "untagged", 8: "v20"}
        for i, name in expect.items():
            self.assertTrue(outcome[i].startswith(name + "@"), (i, outcome[i]))
        for i in (9, 10):
            self.assertIn("!", outcome[i])

    def test_timestamps_going_backwards(self):
        times = [5_000_000, 4_000_000, 4_000_000, 1_000, 9_000_000, 0, 3_000_000_000]
        recs = [(t, frame(mac(1 + i % 2), i)) for i, t in enumerate(times)]
        cfg = unicast_config(os.path.join(self.d, "c.yaml"))
        r = run(self.trace("backwards.pcap", pcap_bytes(recs)), "-c", cfg, outdir=self.out)
        stats, _ = accounted(self, r, self.out, len(recs))
        self.assertGreater(stats["input"]["clamped_timestamps"], 0)

    def test_last_pcap_second(self):
        # A frame stamped in the last second pcap can store is delivered a little later,
        # past 2106-02-07: the output pcap cannot hold that, which must be one clear line.
        recs = [(2**32 * 10**9 - 1000 - i, frame(mac(1), i)) for i in range(3)]
        cfg = unicast_config(os.path.join(self.d, "c.yaml"))
        r = run(self.trace("end_of_time.pcap", pcap_bytes(recs)), "-c", cfg, outdir=self.out)
        if r.returncode == 0:
            accounted(self, r, self.out, len(recs))
        else:
            one_line_error(self, r, "2106")

    def test_microsecond_and_big_endian(self):
        cfg = unicast_config(os.path.join(self.d, "c.yaml"))
        for name, data in [("us.pcap", pcap_bytes(self.good, nano=False)),
                           ("be.pcap", pcap_bytes(self.good, endian=">"))]:
            with self.subTest(name=name):
                out = os.path.join(self.d, name + ".out")
                r = run(self.trace(name, data), "-c", cfg, outdir=out)
                accounted(self, r, out, len(self.good))


class Outputs(unittest.TestCase):
    """Output folders that cannot be used, and a disk that fills up."""

    def test_outdir_is_a_file(self):
        with tempfile.TemporaryDirectory() as d:
            blocker = write(os.path.join(d, "file"), b"")
            r = run("--set", "workload.frames=10", outdir=blocker)
            one_line_error(self, r, "file")
            r = run("--set", "workload.frames=10", outdir=os.path.join(blocker, "sub"))
            one_line_error(self, r, "file/sub")

    def test_outdir_in_an_unwritable_place(self):
        r = run("--set", "workload.frames=10", outdir="/proc/evr-no-such/out")
        one_line_error(self, r, "/proc/evr-no-such/out")

    def test_read_only_outdir(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "ro")
            os.mkdir(out)
            os.chmod(out, 0o555)
            os.chmod(d, 0o755)
            r = run("--set", "workload.frames=10", outdir=out, preexec_fn=unprivileged())
            one_line_error(self, r, "ro")
            self.assertEqual(os.listdir(out), [], "something was written to a read-only folder")

    def full_disk(self, limit, *extra):
        def cap_file_size():
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "out")
            r = run("--set", "workload.frames=20000", *extra, outdir=out,
                    preexec_fn=cap_file_size)
            self.assertNotEqual(r.returncode, 0, "a full disk went unnoticed")
            self.assertNotIn(r.returncode, (-signal.SIGXFSZ, 128 + signal.SIGXFSZ))
            lines = r.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertIn("write failed", lines[0])
            self.assertIn("File too large", lines[0])
            # What was written stays valid: whole pcap records, whole CSV rows.
            for name in os.listdir(os.path.join(out, "conn")):
                read_pcap(os.path.join(out, "conn", name))
            if os.path.exists(os.path.join(out, "dropped.pcap")):
                read_pcap(os.path.join(out, "dropped.pcap"))
            for name in ("packets.csv", "dropped.csv", "timeline.csv"):
                path = os.path.join(out, name)
                if os.path.exists(path):
                    with open(path) as f:
                        text = f.read()
                    self.assertTrue(text == "" or text.endswith("\n"), name)
                    width = len(text.splitlines()[0].split(",")) if text else 0
                    for row in csv.reader(text.splitlines()):
                        self.assertEqual(len(row), width, (name, row))
            if os.path.exists(os.path.join(out, "stats.json")):
                with open(os.path.join(out, "stats.json")) as f:
                    json.load(f)  # written whole or not at all

    def test_full_disk_in_a_pcap(self):
        self.full_disk(200_000)

    def test_full_disk_in_packets_csv_only(self):
        # No pcaps: packets.csv is the first file to hit the limit. It used to be cut in
        # the middle of a row while evrsim exited 0.
        self.full_disk(200_000, "--set", "output.conn_pcaps=false",
                       "--set", "output.dropped_pcap=false")

    def test_full_disk_in_timeline_only(self):
        self.full_disk(20_000, "--set", "output.conn_pcaps=false",
                       "--set", "output.dropped_pcap=false", "--set", "output.packets_csv=false",
                       "--set", "output.timeline_interval_us=0.1")


class Configs(unittest.TestCase):
    """Configurations with every kind of mistake: exit 2 and one line naming the place."""

    CASES = {
        "unknown_key": ("fifo:\n  indirect_bufers: 8\n", "fifo.indirect_buffers"),
        "unknown_section": ("fifoo:\n  backend: tlm\n", "fifoo"),
        "wrong_type": ("clock:\n  freq_mhz: fast\n", "clock.freq_mhz"),
        "negative": ("fifo:\n  indirect_buffers: -1\n", "fifo.indirect_buffers"),
        "fraction_for_int": ("vm:\n  ring_entries: 2.5\n", "vm.ring_entries"),
        "out_of_range": ("mac:\n  max_frame_bytes: 70000\n", "mac.max_frame_bytes"),
        "overflow": ("seed: 99999999999999999999999\n", "seed"),
        "bad_enum": ("router:\n  policy: fifo\n", "router.policy"),
        "syntax": ("fifo: [1, 2\n", "syntax"),
        "tab_indent": ("fifo:\n\tbackend: tlm\n", "c.yaml"),
        "duplicate_key": ("seed: 1\nseed: 2\n", "seed"),
        "not_a_map": ("- 1\n- 2\n", "c.yaml"),
        "scalar_file": ("just words\n", "c.yaml"),
        "section_not_a_map": ("fifo: 3\n", "fifo"),
        "classes_not_ascending": ("fifo:\n  buffer_classes: [2048, 256]\n"
                                  "  class_shares: [0.5, 0.5]\n", "fifo.buffer_classes"),
        "shares_not_summing": ("fifo:\n  class_shares: [0.5, 0.5, 0.5]\n", "fifo.class_shares"),
        "shares_count": ("fifo:\n  class_shares: [1]\n", "fifo.class_shares"),
        "reserve_over_size": ("sram:\n  size_bytes: 65536\n  reserve_bytes: 131072\n",
                              "sram.reserve_bytes"),
        "pool_thresholds": ("fifo:\n  pool: {grow_below: 100, grow_step: 100, shrink_above: 150}\n",
                            "fifo.pool"),
        "fractions_over_one": ("workload:\n  broadcast_fraction: 0.6\n  multicast_fraction: 0.6\n",
                               "fraction"),
        "stalling_over_vms": ("workload:\n  vms: 2\n  stalling_vms: 3\n", "workload.stalling_vms"),
        "connection_without_mac": ("connections:\n  - name: a\n", "mac"),
        "multicast_connection_mac": ("connections:\n  - {name: a, mac: '01:00:5e:00:00:01'}\n",
                                     "connections[0].mac"),
        "bad_mac": ("connections:\n  - {name: a, mac: '02:00:00:00:00'}\n", "connections[0].mac"),
        "duplicate_mac_vlan": ("connections:\n  - {name: a, mac: '02:00:00:00:00:01', vlan: 5}\n"
                               "  - {name: b, mac: '02:00:00:00:00:01', vlan: 5}\n", "duplicate"),
        "duplicate_name": ("connections:\n  - {name: a, mac: '02:00:00:00:00:01'}\n"
                           "  - {name: a, mac: '02:00:00:00:00:02'}\n", "connections[1].name"),
        "bad_name": ("connections:\n  - {name: 'a/b', mac: '02:00:00:00:00:01'}\n",
                     "connections[0].name"),
        "name_drop": ("connections:\n  - {name: drop, mac: '02:00:00:00:00:01'}\n",
                      "connections[0].name"),
        "vlan_range": ("connections:\n  - {name: a, mac: '02:00:00:00:00:01', vlan: 4095}\n",
                       "connections[0].vlan"),
        "vlan_zero": ("connections:\n  - {name: a, mac: '02:00:00:00:00:01', vlan: 0}\n",
                      "connections[0].vlan"),
        "duplicate_ipv4": ("connections:\n  - {name: a, mac: '02:00:00:00:00:01', ipv4: [10.0.0.1]}\n"
                           "  - {name: b, mac: '02:00:00:00:00:02', ipv4: [10.0.0.1]}\n", "ipv4"),
        "multicast_ipv4": ("connections:\n  - {name: a, mac: '02:00:00:00:00:01', ipv4: [224.0.0.1]}\n",
                           "224.0.0.1"),
        "bad_ipv6": ("connections:\n  - {name: a, mac: '02:00:00:00:00:01', ipv6: ['fd00:::1']}\n",
                     "ipv6"),
        "group_unicast_mac": ("connections:\n  - {name: a, mac: '02:00:00:00:00:01'}\n"
                              "multicast_groups:\n  - {mac: '02:00:00:00:00:09', members: [a]}\n",
                              "multicast_groups[0].mac"),
        "group_broadcast_mac": ("connections:\n  - {name: a, mac: '02:00:00:00:00:01'}\n"
                                "multicast_groups:\n  - {mac: 'ff:ff:ff:ff:ff:ff', members: [a]}\n",
                                "multicast_groups[0].mac"),
        "group_unknown_member": ("connections:\n  - {name: a, mac: '02:00:00:00:00:01'}\n"
                                 "multicast_groups:\n  - {mac: '01:00:5e:00:00:01', members: [b]}\n",
                                 "members"),
        "group_repeated_member": ("connections:\n  - {name: a, mac: '02:00:00:00:00:01'}\n"
                                  "multicast_groups:\n  - {mac: '01:00:5e:00:00:01', members: [a, a]}\n",
                                  "members"),
        "unknown_unicast_target": ("connections:\n  - {name: a, mac: '02:00:00:00:00:01'}\n"
                                   "lookup:\n  unknown_unicast: b\n", "lookup.unknown_unicast"),
        "too_many_connections": ("fifo:\n  max_connections: 1\nconnections:\n"
                                 "  - {name: a, mac: '02:00:00:00:00:01'}\n"
                                 "  - {name: b, mac: '02:00:00:00:00:02'}\n", "max_connections"),
        "missing_availability_trace": ("vm:\n  availability_trace: no-such-file.csv\n",
                                       "no-such-file.csv"),
        "per_connection_availability": ("connections:\n  - {name: a, mac: '02:00:00:00:00:01', "
                                        "vm: {availability_trace: x.csv}}\n", "availability_trace"),
        "binary": ("\x00\x01\x02\xff\xfe garbage \x7f", "c.yaml"),
    }

    def test_every_kind_of_mistake(self):
        with tempfile.TemporaryDirectory() as d:
            # A trace run: the built-in workload ignores connections and groups.
            trace = write(os.path.join(d, "t.pcap"),
                          pcap_bytes([(i * 1000, frame(mac(1), i)) for i in range(4)]))
            for name, (text, word) in self.CASES.items():
                with self.subTest(case=name):
                    path = os.path.join(d, "c.yaml")
                    with open(path, "w", encoding="latin-1") as f:
                        f.write(text)
                    r = run(trace, "-c", path, outdir=os.path.join(d, "out"))
                    one_line_error(self, r, word)

    def test_config_file_problems(self):
        with tempfile.TemporaryDirectory() as d:
            one_line_error(self, run("-c", os.path.join(d, "none.yaml")), "none.yaml")
            one_line_error(self, run("-c", d), d)

    def test_set_mistakes(self):
        for args, word in [(["--set", "seed"], "seed"), (["--set", "=3"], "--set"),
                           (["--set", "fifo..backend=tlm"], "fifo..backend"),
                           (["--set", "connections.5.name=x"], "connections"),
                           (["--set", "seed=1\n2"], "seed"), (["--fifo", "verilog"], "verilog"),
                           (["--max-packets", "-1"], "max-packets"),
                           (["--seed", "x"], "seed"), (["--replay", "fast"], "fast")]:
            with self.subTest(args=args):
                one_line_error(self, run(*args, "--set", "workload.frames=10"), word)

    def test_empty_config_runs_on_defaults(self):
        with tempfile.TemporaryDirectory() as d:
            path = write(os.path.join(d, "c.yaml"), "# nothing\n")
            r = run("-c", path, "--print-config")
            self.assertEqual(r.returncode, 0, r.stderr)


def staged_size(outdir, name):
    """Size of `name` in the run's staging folder (the files move into `outdir` when the
    run ends; docs/evrsim.md, "Run folders"), 0 while it does not exist."""
    for entry in os.listdir(outdir) if os.path.isdir(outdir) else []:
        path = os.path.join(outdir, entry, name)
        if entry.startswith(".evrsim-staging-") and os.path.exists(path):
            return os.path.getsize(path)
    return 0


def read_stats(outdir):
    with open(os.path.join(outdir, "stats.json")) as f:
        return json.load(f)


class Interrupted(unittest.TestCase):
    """SIGINT/SIGTERM mid-run: exit 128+signal, partial outputs valid and marked."""

    def interrupt(self, sig):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "out")
            p = subprocess.Popen([EVRSIM, "--set", "workload.frames=50000000", "-q", "-o", out],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            # Wait until the simulation is under way (packets.csv has rows), then stop it.
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if staged_size(out, "packets.csv") > 100_000:
                    break
                time.sleep(0.2)
            time.sleep(1.0)
            self.assertIsNone(p.poll(), "the run ended before it could be interrupted")
            p.send_signal(sig)
            _, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 128 + sig, err)
            self.assertEqual(len(err.strip().splitlines()), 1, err)
            stats = read_stats(out)
            self.assertFalse(stats["complete"])
            self.assertIn(signal.Signals(sig).name, stats["incomplete_reason"])
            self.assertIn("skipped", stats["checker"])
            rows = packets_rows(out)  # whole lines only
            self.assertGreater(len(rows), 1000)
            self.assertLess(len(rows), 50_000_000)
            self.assertLessEqual(len(rows), stats["input"]["frames"])
            indices = [int(x["index"]) for x in rows]
            self.assertEqual(len(indices), len(set(indices)))
            delivered_rows = 0
            for x in rows:
                self.assertEqual(len(x), 8, x)
                copies, delivered = int(x["copies"]), int(x["delivered"])
                self.assertLessEqual(delivered, copies)
                named = x["outcome"].split()
                self.assertEqual(sum(1 for c in named if "@" in c), delivered, x)
                delivered_rows += delivered
            # Copies of frames still in flight were delivered but have no row yet.
            self.assertLessEqual(delivered_rows, stats["delivered"]["copies"])
            for name in os.listdir(os.path.join(out, "conn")):
                read_pcap(os.path.join(out, "conn", name))
            # Everything moved into place: no staging folder, provenance beside the stats.
            self.assertEqual([e for e in os.listdir(out) if e.startswith(".")], [])
            self.assertTrue(os.path.exists(os.path.join(out, "provenance.json")))

    def test_sighup(self):
        self.interrupt(signal.SIGHUP)

    def test_sigint(self):
        self.interrupt(signal.SIGINT)

    def test_sigterm(self):
        self.interrupt(signal.SIGTERM)


class Isolation(unittest.TestCase):
    """Several VLANs, one MAC owned in two of them, broadcast and multicast storms, stalling
    VMs: no frame may reach a connection outside its VLAN or not its destination. The
    checker judges, and the conn/*.pcap contents are compared with expectations computed
    here (a third opinion, independent of both the model and the checker)."""

    # name, MAC last byte, VLAN (None = untagged), IPv4 last byte, stalls
    CONNS = [("u1", 1, None, 1, False), ("u2", 2, None, 2, True),
             ("a10", 1, 10, 11, False), ("b10", 3, 10, 13, True), ("c10", 4, 10, None, False),
             ("a20", 1, 20, 21, True), ("b20", 5, 20, None, False),
             ("a30", 6, 30, 31, False)]
    GROUPS = [(bytes.fromhex("01005e000001"), 10, ["a10", "c10"]),
              (bytes.fromhex("01005e000001"), None, ["u1", "a20", "b20"]),
              (bytes.fromhex("01005e000002"), 20, ["b20"]),
              (bytes.fromhex("01005e000003"), 30, [])]

    def config(self, path):
        text = "vm:\n  ring_entries: 8\n  service_cycles: 400\n  stall_interval_us: 20\n" \
               "  stall_duration_us: 30\nconnections:\n"
        for name, last, vlan, ip, stalls in self.CONNS:
            text += f"  - name: {name}\n    mac: '02:00:00:00:00:{last:02x}'\n"
            if vlan:
                text += f"    vlan: {vlan}\n"
            if ip:
                text += f"    ipv4: [10.0.0.{ip}]\n"
            if stalls:
                text += "    vm: {stall_fraction: 1, ring_entries: 4}\n"
        text += "multicast_groups:\n"
        for gmac, vlan, members in self.GROUPS:
            text += f"  - mac: '{gmac.hex(':')}'\n"
            if vlan:
                text += f"    vlan: {vlan}\n"
            text += f"    members: [{', '.join(members)}]\n"
        text += "lookup:\n  unknown_unicast: drop\n"
        return write(path, text)

    def expected(self, dst, vlan, arp_target=None):
        """Destinations by docs/lookup.md: broadcast floods the VLAN, except ARP requests for
        an owned address; multicast goes to the (MAC, VLAN) group, else the any-VLAN
        group's members in the VLAN, else floods the VLAN; unicast to (MAC, VLAN)."""
        in_vlan = [c[0] for c in self.CONNS if c[2] == vlan]
        if dst == BCAST:
            if arp_target is not None:
                owner = [c[0] for c in self.CONNS if c[2] == vlan and c[3] == arp_target]
                if owner:
                    return set(owner)
            return set(in_vlan)
        if dst[0] & 1:
            exact = [g for g in self.GROUPS if g[0] == dst and g[1] == vlan]
            if exact:
                # Members outside the frame's VLAN never get a copy (no VLAN crossing),
                # even when the group lists them.
                return set(exact[0][2]) & set(in_vlan)
            anyv = [g for g in self.GROUPS if g[0] == dst and g[1] is None]
            if anyv:
                return set(anyv[0][2]) & set(in_vlan)
            return set(in_vlan)
        return {c[0] for c in self.CONNS if c[1] == dst[5] and c[2] == vlan}

    def test_storms_and_stalls_stay_inside_vlans(self):
        import random
        rng = random.Random(7)
        vlans = [None, 10, 20, 30, 40]  # 40 has no connection at all
        dsts = [mac(1), mac(2), mac(3), mac(4), mac(5), mac(6), mac(9), BCAST,
                bytes.fromhex("01005e000001"), bytes.fromhex("01005e000002"),
                bytes.fromhex("01005e000003"), bytes.fromhex("333300000001")]
        recs, expect, vlans_of = [], [], []
        t = 0
        for seq in range(6000):
            # Storm phases: bursts of broadcast or multicast far above line rate.
            phase = (seq // 500) % 4
            if phase == 1:
                dst = BCAST
            elif phase == 3:
                dst = rng.choice(dsts[8:])
            else:
                dst = rng.choice(dsts)
            vlan = rng.choice(vlans)
            tags = []
            if vlan is not None:
                tags = [(rng.choice([0x8100, 0x88A8]), vlan)]
                if rng.random() < 0.2:
                    tags.append((0x8100, rng.choice([10, 20, 30])))  # inner tag: ignored
            elif rng.random() < 0.1:
                tags = [(0x8100, 0)]  # priority tag = untagged
            arp_target = None
            if dst == BCAST and rng.random() < 0.3:
                arp_target = rng.choice([1, 2, 11, 13, 21, 31, 99])
                data = arp_request([10, 0, 0, arp_target], seq, tags)
            else:
                data = frame(dst, seq, size=rng.choice([60, 64, 128, 600, 1514]), tags=tags)
            t += rng.choice([10, 50, 1000]) if phase in (1, 3) else rng.choice([200, 2000])
            recs.append((t, data))
            expect.append(self.expected(dst, vlan, arp_target))
            vlans_of.append(vlan)
        with tempfile.TemporaryDirectory() as d:
            trace = write(os.path.join(d, "storm.pcap"), pcap_bytes(recs))
            cfg = self.config(os.path.join(d, "c.yaml"))
            for policy in ["elastic", "hol", "drop"]:
                with self.subTest(policy=policy):
                    out = os.path.join(d, policy)
                    r = run(trace, "-c", cfg, "--policy", policy, "--seed", "3", outdir=out)
                    stats, rows = accounted(self, r, out, len(recs))
                    self.assertEqual(stats["checker"]["by_check"]["vlan_crossings"], 0)
                    self.assertEqual(stats["checker"]["by_check"]["misrouted"], 0)
                    self.check_outputs(out, rows, recs, expect, stats, vlans_of)

    def check_outputs(self, out, rows, recs, expect, stats, vlans):
        seq_of = {data: i for i, (_, data) in enumerate(recs)}
        delivered_to = {}
        for name in os.listdir(os.path.join(out, "conn")):
            conn = name[:-len(".pcap")]
            for _, data, orig in read_pcap(os.path.join(out, "conn", name)):
                i = struct.unpack(">I", data[-4:])[0]
                self.assertEqual(data, recs[i][1], f"{conn} got a damaged copy of frame {i}")
                self.assertEqual(orig, len(recs[i][1]))
                conn_vlan = [c[2] for c in self.CONNS if c[0] == conn][0]
                self.assertEqual(vlans[i], conn_vlan, f"frame {i} crossed into {conn}")
                delivered_to.setdefault(conn, []).append(i)
        self.assertTrue(seq_of)
        by_index = {int(x["index"]): x for x in rows}
        stalled = sum(c["stall_episodes"] for c in stats["connections"])
        self.assertGreater(stalled, 0, "no VM stalled: the test lost its point")
        self.assertEqual(len(by_index), len(expect))
        # Third opinion, per frame: the connections that got a copy (conn/*.pcap) are
        # destinations of it, and every destination got it or has a drop reason in
        # packets.csv, unless the whole frame was dropped (e.g. rx_overflow under hol).
        got = {}
        for conn, seqs in delivered_to.items():
            for i in seqs:
                got.setdefault(i, set()).add(conn)
        for i, want in enumerate(expect):
            self.assertLessEqual(got.get(i, set()), want, f"frame {i} reached a non-destination")
            named = {c.split("@")[0].split("!")[0] for c in by_index[i]["outcome"].split()}
            if "*" not in named:
                self.assertEqual(named, want, f"frame {i}: {by_index[i]['outcome']}")
        for conn, seqs in delivered_to.items():
            # Each connection sees its unicast frames in input order, once each.
            self.assertEqual(len(seqs), len(set(seqs)), conn)
        total = sum(len(s) for s in delivered_to.values())
        self.assertEqual(total, stats["delivered"]["copies"])
        self.assertGreater(stats["delivered"]["copies"], 1000)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--evrsim", required=True)
    args, rest = ap.parse_known_args()
    EVRSIM = args.evrsim
    unittest.main(argv=[sys.argv[0], *rest], verbosity=1)
