// evr's typed configuration: loading (defaults < file < --set), validation and printing.
// Key meanings, units and ranges: docs/config.md (generated from schema.h's table).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "evr/config/address.h"

namespace evr::config {

enum class fifo_backend { tlm, rtl, lockstep };
enum class router_policy { elastic, hol, drop };
enum class ordering_mode { connection, strict };
enum class no_buffer_action { drop, wait };
enum class replay_mode { timestamps, linerate };
enum class arbitration_policy { round_robin, priority };

// Field defaults live only in the schema: value-initialised structs hold zeros.
// Use default_config() for a configuration with every default applied.

struct clock_config {
    double freq_mhz = 0;
};

struct mac_config {
    double line_rate_gbps = 0;
    std::uint32_t preamble_bytes = 0;
    std::uint32_t ifg_bytes = 0;
    std::uint32_t fcs_bytes = 0;
    std::uint32_t max_frame_bytes = 0;
};

struct rx_buffer_config {
    std::uint32_t size_bytes = 0;
    std::uint32_t addrq_entries = 0;
};

struct parser_config {
    std::uint32_t latency_cycles = 0;
    std::uint32_t lookup_latency_cycles = 0;
};

struct assist_config {
    std::uint32_t header_bytes = 0;
    std::uint32_t lookup_latency_cycles = 0;
    std::uint32_t per_copy_cycles = 0;
};

struct allocator_config {
    std::uint32_t latency_cycles = 0;
};

struct sram_config {
    std::uint64_t size_bytes = 0;
    std::uint64_t reserve_bytes = 0;
    std::uint32_t bytes_per_cycle = 0;
    std::uint32_t latency_cycles = 0;
};

struct host_config {
    std::uint32_t write_bytes_per_cycle = 0;
    std::uint32_t write_latency_cycles = 0;
    std::uint32_t write_credits = 0;
};

struct pool_config {
    std::uint32_t grow_below = 0;
    std::uint32_t grow_step = 0;
    std::uint32_t shrink_above = 0;
    std::uint32_t interval_cycles = 0;
};

struct fifo_config {
    fifo_backend backend = fifo_backend::tlm;
    std::vector<std::uint32_t> buffer_classes; // bytes, strictly ascending
    std::vector<double> class_shares;          // one per class, sum 1
    std::uint32_t indirect_buffers = 0;
    std::uint32_t max_connections = 0;
    pool_config pool;
};

struct router_config {
    router_policy policy = router_policy::elastic;
    ordering_mode ordering = ordering_mode::connection;
    no_buffer_action no_buffer = no_buffer_action::drop;
};

struct lookup_config {
    std::string unknown_unicast; // "drop" or the name of a connection
};

struct vm_config {
    std::uint32_t ring_entries = 0;
    std::uint32_t buffer_bytes = 0;
    std::uint32_t service_cycles = 0;
    double stall_fraction = 0;
    double stall_interval_us = 0;
    double stall_duration_us = 0;
    std::string availability_trace; // "" = random stalls
};

struct replay_config {
    replay_mode mode = replay_mode::timestamps;
    std::uint64_t max_packets = 0; // 0 = all
};

struct workload_config {
    std::uint32_t vms = 0;
    std::uint64_t frames = 0;
    double load = 0;
    std::uint32_t vlans = 0;
    double broadcast_fraction = 0;
    double multicast_fraction = 0;
    double arp_fraction = 0;
    double unknown_fraction = 0;
    std::uint32_t multicast_groups = 0;
    std::optional<std::uint32_t> frame_bytes; // nullopt = imix
    std::uint32_t stalling_vms = 0;
    std::uint32_t ring_entries = 0; // 0 = vm.ring_entries
    double stall_us = 0;
};

struct output_config {
    bool conn_pcaps = false;
    bool dropped_pcap = false;
    bool packets_csv = false;
    bool timeline = false;
    double timeline_interval_us = 0;
    std::vector<double> latency_percentiles;
    std::vector<std::string> wave_connections; // per-connection waveform signals; [all]
};

struct connection_config {
    std::string name;
    mac_address mac{};
    std::optional<std::uint16_t> vlan; // nullopt = untagged
    std::vector<ipv4_address> ipv4;
    std::vector<ipv6_address> ipv6;
    vm_config vm; // the global vm settings with this connection's overrides applied
};

struct multicast_group_config {
    mac_address mac{};
    std::optional<std::uint16_t> vlan;
    std::vector<std::string> members; // connection names
};

// One shared port's arbiter (docs/timing.md, "Arbitration"): `order` names each of the
// port's requesters once, highest priority first or in rotation order.
struct arbiter_config {
    arbitration_policy policy = arbitration_policy::round_robin;
    std::vector<std::string> order;
};

struct arbiters_config {
    arbiter_config fifo;       // elastic FIFO command port: store, assist, local, pool
    arbiter_config sram_read;  // data-store SRAM read port: assist, local
    arbiter_config allocator;  // allocator: parser, local
    arbiter_config host_write; // send engine's intake for the host-write port: parser, local
};

struct config {
    clock_config clock;
    std::uint64_t seed = 0;
    mac_config mac;
    rx_buffer_config rx_buffer;
    parser_config parser;
    allocator_config allocator;
    assist_config assist;
    sram_config sram;
    host_config host;
    fifo_config fifo;
    router_config router;
    arbiters_config arbiter;
    lookup_config lookup;
    vm_config vm;
    replay_config replay;
    workload_config workload;
    output_config output;
    std::vector<connection_config> connections;
    std::vector<multicast_group_config> multicast_groups;
    // (No YAML tree is kept: at about 400 bytes a node it cost kilobytes per connection
    // for the whole run; to_yaml() prints the typed fields.)
};

// Loads a configuration: schema defaults, then the file (skipped when the path is empty),
// then each override "key=value" in order. Keys are dotted paths with list indices as
// components ("connections.0.vm.ring_entries"); values are YAML ("[256, 9216]", "hol").
// Throws evr::input_error with one line: "FILE:LINE: KEY: PROBLEM" or "--set K=V: PROBLEM".
config load_config(const std::string& yaml_path_or_empty,
                   const std::vector<std::string>& set_overrides);

// Every default applied; equal to load_config("", {}).
config default_config();

// The full effective configuration (every key, defaults included) as YAML that
// load_config() reads back to an equal config.
std::string to_yaml(const config& cfg);

// Maps an evrsim shortcut flag to the override it stands for:
// ("--fifo", "rtl") -> "fifo.backend=rtl". Throws std::invalid_argument for other flags.
std::string flag_override(const std::string& flag, const std::string& value);

// Flags accepted by flag_override(), from the schema ("--fifo", "--policy", ...).
std::vector<std::string> override_flags();

// Names of enum values as written in YAML.
const char* to_string(fifo_backend v);
const char* to_string(router_policy v);
const char* to_string(ordering_mode v);
const char* to_string(no_buffer_action v);
const char* to_string(replay_mode v);
const char* to_string(arbitration_policy v);

// The arbitrated ports: `arbiter.<name>.*` keys, the member of arbiters_config, and the
// requesters in the order the router binds them (the default of `arbiter.<name>.order`).
struct arbitrated_port {
    const char* name;
    arbiter_config arbiters_config::*member;
    std::vector<std::string> requesters;
};
const std::vector<arbitrated_port>& arbitrated_ports();
const arbitrated_port& port_of(arbiter_config arbiters_config::*member);

// Field-by-field equality (config::tree excluded); doubles compare exactly.
bool operator==(const vm_config& a, const vm_config& b);
bool operator==(const connection_config& a, const connection_config& b);
bool operator==(const multicast_group_config& a, const multicast_group_config& b);
bool operator==(const config& a, const config& b);
inline bool operator!=(const config& a, const config& b) {
    return !(a == b);
}

} // namespace evr::config
