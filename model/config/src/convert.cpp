// Conversion between the merged tree and the typed config. Both directions sit in this one
// file so a new key is added to both at once (the round-trip test catches a missed one).
#include <iterator>
#include <stdexcept>

#include "detail.h"
#include "reader.h"
#include "scalars.h"

namespace evr::config {
namespace {

template <class E, std::size_t N>
E enum_from(const char* const (&names)[N], const std::string& text) {
    for (std::size_t i = 0; i < N; ++i)
        if (text == names[i])
            return static_cast<E>(i);
    throw std::logic_error("evr config: enum value " + text + " missing from the schema");
}

// Same order as the enumerators and as the schema's values.
const char* const backend_names[] = {"tlm", "rtl", "lockstep"};
const char* const policy_names[] = {"elastic", "hol", "drop"};
const char* const ordering_names[] = {"connection", "strict"};
const char* const no_buffer_names[] = {"drop", "wait"};
const char* const replay_names[] = {"timestamps", "linerate"};
const char* const arbitration_names[] = {"round_robin", "priority"};

} // namespace

const char* to_string(fifo_backend v) {
    return backend_names[static_cast<int>(v)];
}
const char* to_string(router_policy v) {
    return policy_names[static_cast<int>(v)];
}
const char* to_string(ordering_mode v) {
    return ordering_names[static_cast<int>(v)];
}
const char* to_string(no_buffer_action v) {
    return no_buffer_names[static_cast<int>(v)];
}
const char* to_string(replay_mode v) {
    return replay_names[static_cast<int>(v)];
}
const char* to_string(arbitration_policy v) {
    return arbitration_names[static_cast<int>(v)];
}

const std::vector<arbitrated_port>& arbitrated_ports() {
    static const std::vector<arbitrated_port> ports{
        {"fifo", &arbiters_config::fifo, {"store", "assist", "local", "pool"}},
        {"sram_read", &arbiters_config::sram_read, {"assist", "local"}},
        {"allocator", &arbiters_config::allocator, {"parser", "local"}},
        {"host_write", &arbiters_config::host_write, {"parser", "local"}},
    };
    return ports;
}

const arbitrated_port& port_of(arbiter_config arbiters_config::*member) {
    for (const arbitrated_port& p : arbitrated_ports())
        if (p.member == member)
            return p;
    throw std::logic_error("evr config: an arbiters_config member missing from the ports");
}

namespace detail {
namespace {

// The node at a dotted path of plain keys; undefined when absent. Const access only:
// yaml-cpp's non-const operator[] would insert the key.
YAML::Node at(const YAML::Node& root, const std::string& path) {
    YAML::Node node = root;
    std::size_t from = 0;
    for (;;) {
        const std::size_t dot = path.find('.', from);
        const YAML::Node& current = node;
        const YAML::Node next =
            current[path.substr(from, dot == std::string::npos ? dot : dot - from)];
        if (!next.IsDefined())
            return YAML::Node(YAML::NodeType::Undefined);
        node.reset(next);
        if (dot == std::string::npos)
            return node;
        from = dot + 1;
    }
}

// Applies the vm.* keys present in `map` (at display path `path`) on top of `base`.
vm_config read_vm(const reader& r, const YAML::Node& map, const std::string& path, vm_config vm) {
    if (!map.IsDefined() || map.IsNull())
        return vm;
    auto has = [&](const char* key) { return map[key].IsDefined(); };
    auto p = [&](const char* key) { return join(path, key); };
    if (has("ring_entries"))
        vm.ring_entries = r.uint(map["ring_entries"], p("ring_entries"));
    if (has("buffer_bytes"))
        vm.buffer_bytes = r.uint(map["buffer_bytes"], p("buffer_bytes"));
    if (has("service_cycles"))
        vm.service_cycles = r.uint(map["service_cycles"], p("service_cycles"));
    if (has("stall_fraction"))
        vm.stall_fraction = r.real(map["stall_fraction"], p("stall_fraction"));
    if (has("stall_interval_us"))
        vm.stall_interval_us = r.real(map["stall_interval_us"], p("stall_interval_us"));
    if (has("stall_duration_us"))
        vm.stall_duration_us = r.real(map["stall_duration_us"], p("stall_duration_us"));
    if (has("availability_trace"))
        vm.availability_trace = r.string(map["availability_trace"], p("availability_trace"));
    return vm;
}

std::optional<std::uint16_t> read_vlan(const reader& r, const YAML::Node& item,
                                       const std::string& path) {
    if (!item["vlan"].IsDefined())
        return std::nullopt;
    return static_cast<std::uint16_t>(r.uint(item["vlan"], join(path, "vlan")));
}

YAML::Node scalar_list(const std::vector<std::string>& items) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (const std::string& s : items)
        list.push_back(s);
    return list;
}

template <class T, class F>
YAML::Node list_of(const std::vector<T>& items, F format) {
    std::vector<std::string> text;
    for (const T& v : items)
        text.push_back(format(v));
    return scalar_list(text);
}

// The vm map; with `base`, only the keys whose value differs from it (a connection's vm
// falls back to the top-level vm key by key, so the rest would repeat what loads anyway).
YAML::Node vm_tree(const vm_config& vm, const vm_config* base = nullptr) {
    YAML::Node t(YAML::NodeType::Map);
    const auto put = [&](const char* key, auto field, auto text) {
        if (!base || !(vm.*field == base->*field))
            t[key] = text(vm.*field);
    };
    const auto uint = [](std::uint32_t v) { return std::to_string(v); };
    const auto real = [](double v) { return format_real(v); };
    const auto str = [](const std::string& v) { return v; };
    put("ring_entries", &vm_config::ring_entries, uint);
    put("buffer_bytes", &vm_config::buffer_bytes, uint);
    put("service_cycles", &vm_config::service_cycles, uint);
    put("stall_fraction", &vm_config::stall_fraction, real);
    put("stall_interval_us", &vm_config::stall_interval_us, real);
    put("stall_duration_us", &vm_config::stall_duration_us, real);
    put("availability_trace", &vm_config::availability_trace, str);
    return t;
}

} // namespace

config from_tree(const YAML::Node& root, const origin_map& origins) {
    const reader r(origins);
    // get(&reader::uint, "fifo.indirect_buffers"): the value at a top-level path.
    auto get = [&](auto method, const std::string& path) {
        return (r.*method)(at(root, path), path);
    };
    config c;
    c.clock.freq_mhz = get(&reader::real, "clock.freq_mhz");
    c.seed = get(&reader::uint64, "seed");

    c.mac.line_rate_gbps = get(&reader::real, "mac.line_rate_gbps");
    c.mac.preamble_bytes = get(&reader::uint, "mac.preamble_bytes");
    c.mac.ifg_bytes = get(&reader::uint, "mac.ifg_bytes");
    c.mac.fcs_bytes = get(&reader::uint, "mac.fcs_bytes");
    c.mac.max_frame_bytes = get(&reader::uint, "mac.max_frame_bytes");

    c.rx_buffer.size_bytes = get(&reader::uint, "rx_buffer.size_bytes");
    c.rx_buffer.addrq_entries = get(&reader::uint, "rx_buffer.addrq_entries");

    c.parser.latency_cycles = get(&reader::uint, "parser.latency_cycles");
    c.parser.lookup_latency_cycles = get(&reader::uint, "parser.lookup_latency_cycles");
    c.allocator.latency_cycles = get(&reader::uint, "allocator.latency_cycles");
    c.assist.header_bytes = get(&reader::uint, "assist.header_bytes");
    c.assist.lookup_latency_cycles = get(&reader::uint, "assist.lookup_latency_cycles");
    c.assist.per_copy_cycles = get(&reader::uint, "assist.per_copy_cycles");

    c.sram.size_bytes = get(&reader::uint64, "sram.size_bytes");
    c.sram.reserve_bytes = get(&reader::uint64, "sram.reserve_bytes");
    c.sram.bytes_per_cycle = get(&reader::uint, "sram.bytes_per_cycle");
    c.sram.latency_cycles = get(&reader::uint, "sram.latency_cycles");

    c.host.write_bytes_per_cycle = get(&reader::uint, "host.write_bytes_per_cycle");
    c.host.write_latency_cycles = get(&reader::uint, "host.write_latency_cycles");
    c.host.write_credits = get(&reader::uint, "host.write_credits");

    c.fifo.backend =
        enum_from<fifo_backend>(backend_names, get(&reader::enumeration, "fifo.backend"));
    c.fifo.buffer_classes = get(&reader::uint_list, "fifo.buffer_classes");
    c.fifo.class_shares = get(&reader::real_list, "fifo.class_shares");
    c.fifo.indirect_buffers = get(&reader::uint, "fifo.indirect_buffers");
    c.fifo.max_connections = get(&reader::uint, "fifo.max_connections");
    c.fifo.pool.grow_below = get(&reader::uint, "fifo.pool.grow_below");
    c.fifo.pool.grow_step = get(&reader::uint, "fifo.pool.grow_step");
    c.fifo.pool.shrink_above = get(&reader::uint, "fifo.pool.shrink_above");
    c.fifo.pool.interval_cycles = get(&reader::uint, "fifo.pool.interval_cycles");

    c.router.policy =
        enum_from<router_policy>(policy_names, get(&reader::enumeration, "router.policy"));
    c.router.ordering =
        enum_from<ordering_mode>(ordering_names, get(&reader::enumeration, "router.ordering"));
    c.router.no_buffer =
        enum_from<no_buffer_action>(no_buffer_names, get(&reader::enumeration, "router.no_buffer"));

    for (const arbitrated_port& port : arbitrated_ports()) {
        arbiter_config& a = c.arbiter.*port.member;
        const std::string key = std::string("arbiter.") + port.name;
        a.policy = enum_from<arbitration_policy>(arbitration_names,
                                                 get(&reader::enumeration, key + ".policy"));
        a.order = get(&reader::string_list, key + ".order");
    }

    c.lookup.unknown_unicast = get(&reader::string, "lookup.unknown_unicast");

    c.vm = read_vm(r, at(root, "vm"), "vm", vm_config{});

    c.replay.mode = enum_from<replay_mode>(replay_names, get(&reader::enumeration, "replay.mode"));
    c.replay.max_packets = get(&reader::uint64, "replay.max_packets");

    c.workload.vms = get(&reader::uint, "workload.vms");
    c.workload.frames = get(&reader::uint64, "workload.frames");
    c.workload.load = get(&reader::real, "workload.load");
    c.workload.vlans = get(&reader::uint, "workload.vlans");
    c.workload.broadcast_fraction = get(&reader::real, "workload.broadcast_fraction");
    c.workload.multicast_fraction = get(&reader::real, "workload.multicast_fraction");
    c.workload.arp_fraction = get(&reader::real, "workload.arp_fraction");
    c.workload.unknown_fraction = get(&reader::real, "workload.unknown_fraction");
    c.workload.multicast_groups = get(&reader::uint, "workload.multicast_groups");
    c.workload.frame_bytes = get(&reader::imix_or_uint, "workload.frame_bytes");
    c.workload.stalling_vms = get(&reader::uint, "workload.stalling_vms");
    c.workload.ring_entries = get(&reader::uint, "workload.ring_entries");
    c.workload.stall_us = get(&reader::real, "workload.stall_us");

    c.output.conn_pcaps = get(&reader::boolean, "output.conn_pcaps");
    c.output.dropped_pcap = get(&reader::boolean, "output.dropped_pcap");
    c.output.packets_csv = get(&reader::boolean, "output.packets_csv");
    c.output.timeline = get(&reader::boolean, "output.timeline");
    c.output.timeline_interval_us = get(&reader::real, "output.timeline_interval_us");
    c.output.latency_percentiles = get(&reader::real_list, "output.latency_percentiles");
    c.output.wave_connections = get(&reader::string_list, "output.wave_connections");

    const YAML::Node connections = at(root, "connections");
    for (std::size_t i = 0; i < connections.size(); ++i) {
        const YAML::Node item = connections[i];
        const std::string path = index("connections", i);
        connection_config con;
        con.name = r.string(item["name"], join(path, "name"));
        con.mac = r.mac(item["mac"], join(path, "mac"));
        con.vlan = read_vlan(r, item, path);
        if (item["ipv4"].IsDefined())
            con.ipv4 = r.ipv4_list(item["ipv4"], join(path, "ipv4"));
        if (item["ipv6"].IsDefined())
            con.ipv6 = r.ipv6_list(item["ipv6"], join(path, "ipv6"));
        con.vm = read_vm(r, item["vm"], join(path, "vm"), c.vm);
        c.connections.push_back(std::move(con));
    }

    const YAML::Node groups = at(root, "multicast_groups");
    for (std::size_t i = 0; i < groups.size(); ++i) {
        const YAML::Node item = groups[i];
        const std::string path = index("multicast_groups", i);
        multicast_group_config group;
        group.mac = r.mac(item["mac"], join(path, "mac"));
        group.vlan = read_vlan(r, item, path);
        group.members = r.string_list(item["members"], join(path, "members"));
        c.multicast_groups.push_back(std::move(group));
    }
    return c;
}

YAML::Node to_tree(const config& c) {
    auto u = [](std::uint64_t v) { return std::to_string(v); };
    YAML::Node t;
    t["clock"]["freq_mhz"] = format_real(c.clock.freq_mhz);
    t["seed"] = u(c.seed);

    t["mac"]["line_rate_gbps"] = format_real(c.mac.line_rate_gbps);
    t["mac"]["preamble_bytes"] = u(c.mac.preamble_bytes);
    t["mac"]["ifg_bytes"] = u(c.mac.ifg_bytes);
    t["mac"]["fcs_bytes"] = u(c.mac.fcs_bytes);
    t["mac"]["max_frame_bytes"] = u(c.mac.max_frame_bytes);

    t["rx_buffer"]["size_bytes"] = u(c.rx_buffer.size_bytes);
    t["rx_buffer"]["addrq_entries"] = u(c.rx_buffer.addrq_entries);

    t["parser"]["latency_cycles"] = u(c.parser.latency_cycles);
    t["parser"]["lookup_latency_cycles"] = u(c.parser.lookup_latency_cycles);
    t["allocator"]["latency_cycles"] = u(c.allocator.latency_cycles);
    t["assist"]["header_bytes"] = u(c.assist.header_bytes);
    t["assist"]["lookup_latency_cycles"] = u(c.assist.lookup_latency_cycles);
    t["assist"]["per_copy_cycles"] = u(c.assist.per_copy_cycles);

    t["sram"]["size_bytes"] = u(c.sram.size_bytes);
    t["sram"]["reserve_bytes"] = u(c.sram.reserve_bytes);
    t["sram"]["bytes_per_cycle"] = u(c.sram.bytes_per_cycle);
    t["sram"]["latency_cycles"] = u(c.sram.latency_cycles);

    t["host"]["write_bytes_per_cycle"] = u(c.host.write_bytes_per_cycle);
    t["host"]["write_latency_cycles"] = u(c.host.write_latency_cycles);
    t["host"]["write_credits"] = u(c.host.write_credits);

    t["fifo"]["backend"] = to_string(c.fifo.backend);
    t["fifo"]["buffer_classes"] = list_of(c.fifo.buffer_classes, u);
    t["fifo"]["class_shares"] = list_of(c.fifo.class_shares, format_real);
    t["fifo"]["indirect_buffers"] = u(c.fifo.indirect_buffers);
    t["fifo"]["max_connections"] = u(c.fifo.max_connections);
    t["fifo"]["pool"]["grow_below"] = u(c.fifo.pool.grow_below);
    t["fifo"]["pool"]["grow_step"] = u(c.fifo.pool.grow_step);
    t["fifo"]["pool"]["shrink_above"] = u(c.fifo.pool.shrink_above);
    t["fifo"]["pool"]["interval_cycles"] = u(c.fifo.pool.interval_cycles);

    t["router"]["policy"] = to_string(c.router.policy);
    t["router"]["ordering"] = to_string(c.router.ordering);
    t["router"]["no_buffer"] = to_string(c.router.no_buffer);
    for (const arbitrated_port& port : arbitrated_ports()) {
        const arbiter_config& a = c.arbiter.*port.member;
        t["arbiter"][std::string(port.name)]["policy"] = to_string(a.policy);
        t["arbiter"][std::string(port.name)]["order"] = scalar_list(a.order);
    }
    t["lookup"]["unknown_unicast"] = c.lookup.unknown_unicast;
    t["vm"] = vm_tree(c.vm);

    t["replay"]["mode"] = to_string(c.replay.mode);
    t["replay"]["max_packets"] = u(c.replay.max_packets);

    t["workload"]["vms"] = u(c.workload.vms);
    t["workload"]["frames"] = u(c.workload.frames);
    t["workload"]["load"] = format_real(c.workload.load);
    t["workload"]["vlans"] = u(c.workload.vlans);
    t["workload"]["broadcast_fraction"] = format_real(c.workload.broadcast_fraction);
    t["workload"]["multicast_fraction"] = format_real(c.workload.multicast_fraction);
    t["workload"]["arp_fraction"] = format_real(c.workload.arp_fraction);
    t["workload"]["unknown_fraction"] = format_real(c.workload.unknown_fraction);
    t["workload"]["multicast_groups"] = u(c.workload.multicast_groups);
    t["workload"]["frame_bytes"] = c.workload.frame_bytes ? u(*c.workload.frame_bytes) : "imix";
    t["workload"]["stalling_vms"] = u(c.workload.stalling_vms);
    t["workload"]["ring_entries"] = u(c.workload.ring_entries);
    t["workload"]["stall_us"] = format_real(c.workload.stall_us);

    t["output"]["conn_pcaps"] = c.output.conn_pcaps ? "true" : "false";
    t["output"]["dropped_pcap"] = c.output.dropped_pcap ? "true" : "false";
    t["output"]["packets_csv"] = c.output.packets_csv ? "true" : "false";
    t["output"]["timeline"] = c.output.timeline ? "true" : "false";
    t["output"]["timeline_interval_us"] = format_real(c.output.timeline_interval_us);
    t["output"]["latency_percentiles"] = list_of(c.output.latency_percentiles, format_real);
    t["output"]["wave_connections"] = scalar_list(c.output.wave_connections);

    // The item lists are left empty: item_tree() gives one item at a time, so printing a
    // table of a million connections never holds it as YAML nodes.
    t["connections"] = YAML::Node(YAML::NodeType::Sequence);
    t["multicast_groups"] = YAML::Node(YAML::NodeType::Sequence);
    return t;
}

YAML::Node item_tree(const connection_config& con, const vm_config& top_vm) {
    YAML::Node item;
    item["name"] = con.name;
    item["mac"] = format_mac(con.mac);
    if (con.vlan)
        item["vlan"] = std::to_string(*con.vlan);
    item["ipv4"] = list_of(con.ipv4, format_ipv4);
    item["ipv6"] = list_of(con.ipv6, format_ipv6);
    if (YAML::Node vm = vm_tree(con.vm, &top_vm); vm.size() != 0)
        item["vm"] = vm;
    return item;
}

YAML::Node item_tree(const multicast_group_config& group) {
    YAML::Node item;
    item["mac"] = format_mac(group.mac);
    if (group.vlan)
        item["vlan"] = std::to_string(*group.vlan);
    item["members"] = scalar_list(group.members);
    return item;
}

} // namespace detail
} // namespace evr::config
