"""Study files for scripts/sweep and scripts/report (docs/sweeps.md).

A study names the inputs, seeds, fixed overrides and the swept keys (a grid and/or
zipped lists) of a set of evrsim runs. This module loads and checks a study, expands it
into points with stable ids, and knows the headline columns of results.csv, so that the
runner and the report agree on both.
"""
import hashlib
import itertools
import json
import os
import sys

import yaml

# Top-level keys a study may have; anything else is a typo worth a clear error.
STUDY_KEYS = {"study", "description", "base_config", "inputs", "seeds", "set", "grid", "zip",
              "outputs", "metrics", "report", "evrsim"}

DROP_REASONS = ["runt", "oversize", "rx_overflow", "no_buffer", "no_indirect", "no_resources",
                "unknown_destination", "no_member", "parked"]

# results.csv headline columns: name -> function of stats.json.
HEADLINE = [
    ("input_frames", lambda s: s["input"]["frames"]),
    ("delivered_frames", lambda s: s["delivered"]["frames"]),
    ("delivered_copies", lambda s: s["delivered"]["copies"]),
    ("direct", lambda s: s["delivered"]["paths"]["direct"]),
    ("stored", lambda s: s["delivered"]["paths"]["stored"]),
    ("assisted", lambda s: s["delivered"]["paths"]["assisted"]),
    ("dropped_total", lambda s: s["dropped"]["total"]),
    # Drops of frames that had somewhere to go: the losses a policy is to blame for
    # (unknown destinations and memberless groups are dropped by every policy).
    ("lost", lambda s: s["dropped"]["total"] - s["dropped"]["by_reason"]["unknown_destination"]
     - s["dropped"]["by_reason"]["no_member"]),
] + [("dropped_" + r, (lambda r: lambda s: s["dropped"]["by_reason"][r])(r))
     for r in DROP_REASONS] + [
    ("latency_p50_ns", lambda s: s["latency"]["ns"].get("p50", "")),
    ("latency_p99_ns", lambda s: s["latency"]["ns"].get("p99", "")),
    ("latency_p99.9_ns", lambda s: s["latency"]["ns"].get("p99.9", "")),
    ("latency_max_ns", lambda s: s["latency"]["ns"]["max"]),
    ("other_vms_p50_ns", lambda s: s["latency_by_stall"]["other_vms"]["ns"].get("p50", "")),
    ("other_vms_p99_ns", lambda s: s["latency_by_stall"]["other_vms"]["ns"].get("p99", "")),
    ("other_vms_max_ns", lambda s: s["latency_by_stall"]["other_vms"]["ns"]["max"]),
    ("stalled_vms_p99_ns", lambda s: s["latency_by_stall"]["stalled_vms"]["ns"].get("p99", "")),
    ("stalled_vms", lambda s: s["latency_by_stall"]["stalled_vms"]["connections"]),
    ("numbered_high_water_max", lambda s: s["elastic_fifo"]["numbered_high_water_max"]),
    ("footprint_high_water_bytes", lambda s: s["elastic_fifo"]["footprint_bytes_high_water"]),
    ("pool_grown", lambda s: s["elastic_fifo"]["pool_grown"]),
    ("rx_high_water_bytes", lambda s: s["receive_buffer"]["high_water_bytes"]),
    ("checker_pass", lambda s: s["checker"].get("pass", "")),
    ("sim_ms", lambda s: s["sim"]["time_ns"] / 1e6),
    ("wall_s", lambda s: s["sim"]["wall_seconds"]),
]

# Outputs a sweep point does not need unless the study asks for them ("outputs: full").
MINIMAL_OUTPUTS = ["output.conn_pcaps=false", "output.dropped_pcap=false",
                   "output.packets_csv=false"]


class StudyError(Exception):
    """A problem with the study file: one line naming the file and the key."""


def yaml_value(v):
    """A value as evrsim's --set expects it (YAML); JSON is YAML for lists and maps."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, dict)):
        return json.dumps(v)
    return str(v)


class Study:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.dir = os.path.dirname(self.path)
        try:
            with open(self.path) as f:
                doc = yaml.safe_load(f)
        except OSError as e:
            raise StudyError(f"{path}: cannot read: {e.strerror}")
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f":{mark.line + 1}" if mark else ""
            raise StudyError(f"{path}{where}: not valid YAML: {getattr(e, 'problem', e)}")
        if not isinstance(doc, dict):
            raise StudyError(f"{path}: a study is a YAML mapping")
        for key in doc:
            if key not in STUDY_KEYS:
                raise StudyError(f"{path}: {key}: unknown key (known: {', '.join(sorted(STUDY_KEYS))})")
        self.doc = doc
        self.name = str(doc.get("study") or os.path.splitext(os.path.basename(path))[0])
        self.description = str(doc.get("description", ""))
        self.base_config = self._path(doc["base_config"]) if doc.get("base_config") else None
        inputs = doc.get("inputs", ["builtin"])
        if not isinstance(inputs, list) or not inputs:
            raise StudyError(f"{path}: inputs: a non-empty list of traces or 'builtin'")
        self.inputs = [i if i == "builtin" else self._path(i) for i in inputs]
        seeds = doc.get("seeds", [1])
        if not isinstance(seeds, list) or not seeds or not all(isinstance(s, int) for s in seeds):
            raise StudyError(f"{path}: seeds: a non-empty list of integers")
        self.seeds = seeds
        self.fixed = self._mapping("set")
        self.grid = self._mapping("grid")
        self.zipped = self._mapping("zip")
        for key, values in list(self.grid.items()) + list(self.zipped.items()):
            if not isinstance(values, list) or not values:
                raise StudyError(f"{path}: {key}: a swept key needs a non-empty list of values")
        lengths = {len(v) for v in self.zipped.values()}
        if len(lengths) > 1:
            raise StudyError(f"{path}: zip: every list must have the same length "
                             f"(got {', '.join(f'{k}: {len(v)}' for k, v in self.zipped.items())})")
        both = set(self.grid) & set(self.zipped) | (set(self.grid) | set(self.zipped)) & set(self.fixed)
        if both:
            raise StudyError(f"{path}: {sorted(both)[0]}: given in more than one of set/grid/zip")
        outputs = doc.get("outputs", "minimal")
        if outputs not in ("minimal", "full"):
            raise StudyError(f"{path}: outputs: minimal or full, got {outputs!r}")
        self.outputs = outputs
        self.metrics = self._mapping("metrics")
        self.report = doc.get("report", {}) or {}
        self.evrsim = doc.get("evrsim")

    def _path(self, p):
        return p if os.path.isabs(p) else os.path.normpath(os.path.join(self.dir, p))

    def _mapping(self, key):
        m = self.doc.get(key, {}) or {}
        if not isinstance(m, dict):
            raise StudyError(f"{self.path}: {key}: a mapping of config keys")
        return m

    def swept_keys(self):
        return list(self.grid) + list(self.zipped)

    def points(self):
        """Every point in a stable order: inputs, then grid, then zip, then seeds."""
        grid_keys = list(self.grid)
        grid = list(itertools.product(*[self.grid[k] for k in grid_keys]))
        zip_keys = list(self.zipped)
        zipped = list(zip(*[self.zipped[k] for k in zip_keys])) if zip_keys else [()]
        out = []
        for inp in self.inputs:
            for g in grid:
                for z in zipped:
                    for seed in self.seeds:
                        settings = dict(zip(grid_keys, g))
                        settings.update(zip(zip_keys, z))
                        out.append(Point(self, inp, seed, settings))
        return out


class Point:
    def __init__(self, study, inp, seed, settings):
        self.input = inp
        self.seed = seed
        self.settings = settings
        key = json.dumps({"input": inp, "seed": seed, "fixed": study.fixed,
                          "settings": settings, "base": study.base_config,
                          "outputs": study.outputs}, sort_keys=True)
        self.id = hashlib.sha1(key.encode()).hexdigest()[:12]
        self.study = study

    def command(self, evrsim, outdir):
        cmd = [evrsim]
        if self.input != "builtin":
            cmd.append(self.input)
        if self.study.base_config:
            cmd += ["-c", self.study.base_config]
        cmd += ["-q", "--force", "-o", outdir, "--seed", str(self.seed)]
        sets = [] if self.study.outputs == "full" else list(MINIMAL_OUTPUTS)
        sets += [f"{k}={yaml_value(v)}" for k, v in self.study.fixed.items()]
        sets += [f"{k}={yaml_value(v)}" for k, v in self.settings.items()]
        for s in sets:
            cmd += ["--set", s]
        return cmd


def lookup(stats, dotted):
    """A value of stats.json by a dotted path ("elastic_fifo.pool_grown"), "" if absent."""
    v = stats
    for part in dotted.split("."):
        if isinstance(v, list):
            try:
                v = v[int(part)]
            except (ValueError, IndexError):
                return ""
        elif isinstance(v, dict) and part in v:
            v = v[part]
        else:
            return ""
    return v


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(2)
