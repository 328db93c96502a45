// The schema table: every configuration key with its type, default, unit, range and meaning.
// This is the single source of truth; keep docs/config.md in sync with evr_config_doc --update.
#include "evr/config/schema.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "evr/config/config.h"
#include "scalars.h"

namespace evr::config {
namespace {

constexpr double pow2(int n) {
    return static_cast<double>(1ull << n);
}

value_range closed(double lo, double hi) {
    return {lo, hi, false, false};
}
value_range open_closed(double lo, double hi) {
    return {lo, hi, true, false};
}
value_range unbounded() {
    return {};
}

std::vector<key_info> build_schema() {
    using vt = value_type;
    std::vector<key_info> s;
    auto add = [&s](std::string path, vt type, std::string def, std::string unit, value_range range,
                    std::string meaning) -> key_info& {
        key_info k;
        k.path = std::move(path);
        k.type = type;
        k.default_yaml = std::move(def);
        k.unit = std::move(unit);
        k.range = range;
        k.meaning = std::move(meaning);
        s.push_back(std::move(k));
        return s.back();
    };
    auto choice = [&add](std::string path, std::string def, std::vector<std::string> values,
                         std::string meaning) -> key_info& {
        key_info& k = add(std::move(path), vt::enumeration, std::move(def), "", unbounded(),
                          std::move(meaning));
        k.values = std::move(values);
        return k;
    };

    add("clock.freq_mhz", vt::real, "250", "MHz", open_closed(0, 10000),
        "the one clock every action is aligned to");
    add("seed", vt::uint64, "1", "", unbounded(),
        "seed for every random choice (stalls, built-in workload)")
        .cli_flag = "--seed";

    add("mac.line_rate_gbps", vt::real, "10", "Gb/s", open_closed(0, 1000),
        "wire rate of the adapter");
    add("mac.preamble_bytes", vt::uint, "8", "bytes", closed(0, 64),
        "preamble+SFD counted on the wire per frame");
    add("mac.ifg_bytes", vt::uint, "12", "bytes", closed(0, 1024),
        "inter-frame gap counted on the wire");
    add("mac.fcs_bytes", vt::uint, "4", "bytes", closed(0, 4),
        "FCS on the wire, not in the capture");
    add("mac.max_frame_bytes", vt::uint, "9216", "bytes", closed(64, 65535),
        "larger frames are dropped at the adapter (reason oversize)");

    add("rx_buffer.size_bytes", vt::uint, "262144", "bytes", closed(0, pow2(30)),
        "receive buffer 203 capacity; 0 = no receive buffer: a frame is taken only when "
        "the previous one has left (parser and send/store engine done), else dropped "
        "(rx_overflow)");
    add("rx_buffer.addrq_entries", vt::uint, "1024", "records", closed(1, pow2(20)),
        "addrq 403 depth");

    add("parser.latency_cycles", vt::uint, "8", "cycles", closed(0, pow2(20)),
        "header parse time per frame");
    add("parser.lookup_latency_cycles", vt::uint, "4", "cycles", closed(0, pow2(20)),
        "connection-table lookup time");

    add("allocator.latency_cycles", vt::uint, "2", "cycles", closed(0, pow2(20)),
        "time of one resource attempt");

    add("assist.header_bytes", vt::uint, "128", "bytes", closed(14, 9216),
        "bytes of a stored frame the assist engine reads back from the data store to parse");
    add("assist.lookup_latency_cycles", vt::uint, "16", "cycles", closed(0, pow2(20)),
        "full-table resolution of one special-queue frame");
    add("assist.per_copy_cycles", vt::uint, "0", "cycles", closed(0, pow2(20)),
        "extra cycles per fanned-out copy, on top of its LINK command");

    add("sram.size_bytes", vt::uint64, "8388608", "bytes", closed(4096, pow2(32)),
        "local data store 215 capacity");
    add("sram.reserve_bytes", vt::uint64, "2097152", "bytes", closed(0, pow2(34)),
        "part of the SRAM the pool manager may grow pools from (not given to pools at "
        "start)")
        .constraint = "<= sram.size_bytes";
    add("sram.bytes_per_cycle", vt::uint, "32", "bytes/cycle", closed(1, 4096), "SRAM port width");
    add("sram.latency_cycles", vt::uint, "4", "cycles", closed(0, pow2(20)), "SRAM access latency");

    add("host.write_bytes_per_cycle", vt::uint, "16", "bytes/cycle", closed(1, 4096),
        "shared host-write bandwidth");
    add("host.write_latency_cycles", vt::uint, "250", "cycles", closed(0, pow2(24)),
        "posted-write completion latency");
    add("host.write_credits", vt::uint, "32", "writes", closed(1, pow2(16)),
        "shared outstanding host-write credits");

    choice("fifo.backend", "tlm", {"tlm", "rtl", "lockstep"},
           "elastic FIFO implementation: C++ reference, Verilated RTL, or both compared")
        .cli_flag = "--fifo";
    add("fifo.buffer_classes", vt::uint_list, "[256, 2048, 9216]", "bytes", closed(64, 65535),
        "normal-buffer size classes")
        .constraint = "strictly ascending, at least one";
    add("fifo.class_shares", vt::real_list, "[0.25, 0.5, 0.25]", "fraction", closed(0, 1),
        "share of (sram.size_bytes - sram.reserve_bytes) given to each class at start")
        .constraint = "one per buffer class, sum 1";
    add("fifo.indirect_buffers", vt::uint, "16384", "buffers", closed(0, pow2(24)),
        "indirect-buffer pool size");
    add("fifo.max_connections", vt::uint, "4096", "queues", closed(1, pow2(20)),
        "upper limit on connections; the elastic FIFO gets one numbered queue per connection")
        .constraint = ">= number of connections";
    add("fifo.pool.grow_below", vt::uint, "16", "buffers", closed(0, pow2(24)),
        "the pool manager grows a class whose free count falls below this");
    add("fifo.pool.grow_step", vt::uint, "64", "buffers", closed(1, pow2(24)),
        "buffers added per grow from the reserve");
    add("fifo.pool.shrink_above", vt::uint, "1024", "buffers", closed(1, pow2(24)),
        "the pool manager returns buffers above this free count to the reserve")
        .constraint = "> grow_below + grow_step";
    add("fifo.pool.interval_cycles", vt::uint, "256", "cycles", closed(1, pow2(24)),
        "pool manager period");

    choice("router.policy", "elastic", {"elastic", "hol", "drop"},
           "elastic = the patent; hol = one FIFO, the head frame blocks the rest; drop = "
           "drop frames that find no resources")
        .cli_flag = "--policy";
    choice("router.ordering", "connection", {"connection", "strict"},
           "connection = order within a connection; strict = also order broadcast/multicast "
           "copies against unicast frames per VM");
    choice("router.no_buffer", "drop", {"drop", "wait"},
           "store engine with no free buffer: drop, or wait while the receive buffer has room");

    // Arbiters of the shared ports (docs/timing.md, "Arbitration"). The default orders are
    // the router's binding orders.
    const std::map<std::string, std::string> port_meaning{
        {"fifo", "elastic FIFO command port"},
        {"sram_read", "data-store SRAM read port"},
        {"allocator", "allocator (the parser's direct attempts, the local engine's own)"},
        {"host_write", "host-write port (the send engine's intake of direct and stored frames)"}};
    for (const arbitrated_port& port : arbitrated_ports()) {
        const std::string key = std::string("arbiter.") + port.name;
        const std::string& what = port_meaning.at(port.name);
        const std::string names = detail::join_values(port.requesters);
        choice(key + ".policy", "round_robin", {"round_robin", "priority"},
               what + " arbiter: round_robin = rotating priority in `order`, the requester "
                      "after the last one granted first; priority = fixed, highest first");
        add(key + ".order", vt::string_list, "[" + names + "]", "", unbounded(),
            what + ": the requesters in priority or rotation order")
            .constraint = "each of " + names + " once";
    }

    add("lookup.unknown_unicast", vt::string, "drop", "", unbounded(),
        "where unicast frames to an unknown destination go")
        .constraint = "drop or a connection name";

    add("vm.ring_entries", vt::uint, "256", "buffers", closed(1, pow2(20)),
        "posted receive buffers in the ring");
    add("vm.buffer_bytes", vt::uint, "4096", "bytes", closed(64, pow2(20)),
        "size of one posted buffer (a frame may need several)");
    add("vm.service_cycles", vt::uint, "250", "cycles", closed(0, pow2(30)),
        "time for the VM to consume a frame and re-post its buffers");
    add("vm.stall_fraction", vt::real, "0", "fraction", closed(0, 1),
        "fraction of VMs that have stall episodes");
    add("vm.stall_interval_us", vt::real, "1000", "us", open_closed(0, 1e9),
        "mean time between stall episodes of a stalling VM (exponential)");
    add("vm.stall_duration_us", vt::real, "300", "us", closed(0, 1e9),
        "mean stall episode length (exponential)");
    add("vm.availability_trace", vt::string, "\"\"", "path", unbounded(),
        "host-availability trace (lines time_ns,connection,event; event stall or resume; "
        "time_ns counts simulated time from the start of traffic, after the pool fill); "
        "replaces random stalls; \"\" = none")
        .is_path = true;

    choice("replay.mode", "timestamps", {"timestamps", "linerate"},
           "replay frames at their capture timestamps, or back to back at line rate")
        .cli_flag = "--replay";
    add("replay.max_packets", vt::uint64, "0", "frames", unbounded(),
        "stop after this many input frames; 0 = all")
        .cli_flag = "--max-packets";

    add("workload.vms", vt::uint, "64", "VMs", closed(1, pow2(16)),
        "VMs of the built-in workload (used when no trace is given)");
    add("workload.frames", vt::uint64, "200000", "frames", closed(1, pow2(40)),
        "frames the built-in workload sends");
    add("workload.load", vt::real, "0.9", "fraction", open_closed(0, 1),
        "offered load as a fraction of line rate");
    add("workload.vlans", vt::uint, "4", "VLANs", closed(1, 4094),
        "VMs are spread over this many VLANs");
    add("workload.broadcast_fraction", vt::real, "0.02", "fraction", closed(0, 1),
        "fraction of broadcast frames")
        .constraint = "the four fractions sum <= 1";
    add("workload.multicast_fraction", vt::real, "0.03", "fraction", closed(0, 1),
        "fraction of multicast frames")
        .constraint = "> 0 needs workload.multicast_groups > 0";
    add("workload.arp_fraction", vt::real, "0.01", "fraction", closed(0, 1),
        "fraction of ARP requests (broadcast)");
    add("workload.unknown_fraction", vt::real, "0.01", "fraction", closed(0, 1),
        "fraction of unicast frames to a MAC that is in no table");
    add("workload.multicast_groups", vt::uint, "4", "groups", closed(0, 4096),
        "multicast groups of the built-in workload")
        .constraint = "> 0 needs workload.vms > workload.vlans (a VLAN with 2+ VMs)";
    add("workload.frame_bytes", vt::imix_or_uint, "imix", "bytes", closed(60, 9216),
        "frame size: imix (7:4:1 of 64, 594, 1518 bytes) or one fixed size");
    add("workload.stalling_vms", vt::uint, "4", "VMs", closed(0, pow2(16)),
        "VMs of the built-in workload that have stall episodes")
        .constraint = "<= workload.vms";
    add("workload.ring_entries", vt::uint, "32", "buffers", closed(0, pow2(20)),
        "posted receive buffers of each built-in VM (0 = vm.ring_entries); small by default so "
        "the stalls exhaust rings and the demo shows the elastic FIFO at work");
    add("workload.stall_us", vt::real, "300", "us", closed(0, 1e9),
        "mean stall episode length of a stalling workload VM");

    add("output.conn_pcaps", vt::boolean, "true", "", unbounded(),
        "write `conn/<name>.pcap` per connection");
    add("output.dropped_pcap", vt::boolean, "true", "", unbounded(),
        "write dropped.pcap and dropped.csv (with reasons)");
    add("output.packets_csv", vt::boolean, "true", "", unbounded(), "write packets.csv");
    add("output.timeline", vt::boolean, "true", "", unbounded(),
        "write timeline.csv (sampled occupancy, footprint, rates, stalled VMs)");
    add("output.timeline_interval_us", vt::real, "10", "us", open_closed(0, 1e9),
        "timeline.csv sample period");
    add("output.latency_percentiles", vt::real_list, "[50, 90, 99, 99.9]", "percent",
        open_closed(0, 100), "latency percentiles reported in stats.json");
    add("output.wave_connections", vt::string_list, "[]", "", unbounded(),
        "connections with their own signals in the --vcd/--fst waveform (docs/waveforms.md); "
        "[all] = every connection")
        .constraint = "connection names, or the one word all";

    add("connections", vt::map_list, "[]", "", unbounded(),
        "the connection table for trace runs; empty = learn connections from the trace (the "
        "built-in workload brings its own VMs and ignores this, multicast_groups and "
        "lookup.unknown_unicast)");
    add("connections[].name", vt::string, "", "", unbounded(),
        "connection name, also the file name `conn/<name>.pcap`")
        .constraint = "unique, characters A-Z a-z 0-9 _ . -, at most 250, not drop";
    s.back().required = true;
    add("connections[].mac", vt::mac, "", "", unbounded(), "destination MAC of the connection")
        .constraint = "unicast (I/G bit 0); (mac, vlan) unique";
    s.back().required = true;
    add("connections[].vlan", vt::uint, "", "", closed(1, 4094), "VLAN id; absent = untagged");
    add("connections[].ipv4", vt::ipv4_list, "[]", "", unbounded(),
        "IPv4 addresses of the connection (L3 table)")
        .constraint = "unique across connections";
    add("connections[].ipv6", vt::ipv6_list, "[]", "", unbounded(),
        "IPv6 addresses of the connection (L3 table)")
        .constraint = "unique across connections";
    add("connections[].vm", vt::map, "{}", "", unbounded(),
        "overrides of any vm.* key for this connection's VM");

    add("multicast_groups", vt::map_list, "[]", "", unbounded(), "multicast groups");
    add("multicast_groups[].mac", vt::mac, "", "", unbounded(), "group MAC address").constraint =
        "multicast (I/G bit 1), not broadcast; (mac, vlan) unique";
    s.back().required = true;
    add("multicast_groups[].vlan", vt::uint, "", "", closed(1, 4094), "VLAN id; absent = untagged");
    add("multicast_groups[].members", vt::string_list, "", "", unbounded(),
        "names of the member connections")
        .constraint = "existing connection names, no repeats";
    s.back().required = true;
    return s;
}

const std::string vm_alias_prefix = "connections[].vm.";

} // namespace

bool value_range::contains(double v) const {
    if (lo && (lo_open ? !(v > *lo) : !(v >= *lo)))
        return false;
    if (hi && (hi_open ? !(v < *hi) : !(v <= *hi)))
        return false;
    return true;
}

namespace {
// Large powers of two read better as 2^N (the sizes are chosen as such).
std::string bound_text(double v) {
    int e = 0;
    if (v >= 65536 && std::frexp(v, &e) == 0.5)
        return "2^" + std::to_string(e - 1);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}
} // namespace

std::string value_range::to_string() const {
    if (!lo && !hi)
        return "";
    std::string text = lo_open || !lo ? "(" : "[";
    text += lo ? bound_text(*lo) : "-inf";
    text += ", ";
    text += hi ? bound_text(*hi) : "inf";
    text += hi_open || !hi ? ")" : "]";
    return text;
}

const std::vector<key_info>& schema() {
    static const std::vector<key_info> table = build_schema();
    return table;
}

const key_info* find_key(const std::string& pattern) {
    const std::string& p = pattern.compare(0, vm_alias_prefix.size(), vm_alias_prefix) == 0
                               ? "vm." + pattern.substr(vm_alias_prefix.size())
                               : pattern;
    for (const key_info& k : schema())
        if (k.path == p)
            return &k;
    return nullptr;
}

bool is_section(const std::string& pattern) {
    if (pattern.empty() || find_key(pattern))
        return false;
    const std::string prefix = pattern + ".";
    return std::any_of(schema().begin(), schema().end(), [&](const key_info& k) {
        return k.path.compare(0, prefix.size(), prefix) == 0;
    });
}

std::vector<std::string> all_patterns() {
    std::vector<std::string> out;
    for (const key_info& k : schema()) {
        // Sections, outermost first, each once.
        for (std::size_t dot = k.path.find('.'); dot != std::string::npos;
             dot = k.path.find('.', dot + 1)) {
            std::string section = k.path.substr(0, dot);
            if (is_section(section) && std::find(out.begin(), out.end(), section) == out.end())
                out.push_back(section);
        }
        out.push_back(k.path);
        if (k.path.compare(0, 3, "vm.") == 0)
            out.push_back(vm_alias_prefix + k.path.substr(3));
    }
    return out;
}

std::string pattern_of(const std::string& path) {
    std::string out;
    out.reserve(path.size());
    bool in_index = false;
    for (char c : path) {
        if (c == '[') {
            in_index = true;
            out += '[';
        } else if (c == ']') {
            in_index = false;
            out += ']';
        } else if (!in_index) {
            out += c;
        }
    }
    return out;
}

std::string type_name(const key_info& k) {
    switch (k.type) {
    case value_type::boolean:
        return "bool";
    case value_type::uint:
        return "uint";
    case value_type::uint64:
        return "uint64";
    case value_type::real:
        return "double";
    case value_type::string:
        return "string";
    case value_type::enumeration: {
        std::string text = "enum:";
        for (std::size_t i = 0; i < k.values.size(); ++i)
            text += (i ? ", " : " ") + k.values[i];
        return text;
    }
    case value_type::uint_list:
        return "list of uint";
    case value_type::real_list:
        return "list of double";
    case value_type::string_list:
        return "list of string";
    case value_type::mac:
        return "MAC";
    case value_type::ipv4_list:
        return "list of IPv4";
    case value_type::ipv6_list:
        return "list of IPv6";
    case value_type::imix_or_uint:
        return "imix or uint";
    case value_type::map_list:
        return "list of maps";
    case value_type::map:
        return "map";
    }
    return "?";
}

} // namespace evr::config
