// Loading: defaults, a full file, and --set precedence with list indices.
#include <gtest/gtest.h>

#include "evr/config/config.h"
#include "temp_dir.h"

namespace evr::config::test {
namespace {

// Sets every key to a value other than its default.
const char* const full_yaml = R"(# every key, none at its default
clock:
  freq_mhz: 312.5
seed: 42
mac:
  line_rate_gbps: 25
  preamble_bytes: 7
  ifg_bytes: 20
  fcs_bytes: 0
  max_frame_bytes: 1518
rx_buffer:
  size_bytes: 0
  addrq_entries: 64
parser:
  latency_cycles: 3
  lookup_latency_cycles: 1
allocator:
  latency_cycles: 0
sram:
  size_bytes: 0x100000000
  reserve_bytes: 1048576
  bytes_per_cycle: 64
  latency_cycles: 2
host:
  write_bytes_per_cycle: 8
  write_latency_cycles: 500
  write_credits: 4
fifo:
  backend: lockstep
  buffer_classes: [128, 1600]
  class_shares: [0.1, 0.9]
  indirect_buffers: 0
  max_connections: 8
  pool:
    grow_below: 4
    grow_step: 8
    shrink_above: 13
    interval_cycles: 1000
router:
  policy: hol
  ordering: strict
  no_buffer: wait
lookup:
  unknown_unicast: web
vm:
  ring_entries: 32
  buffer_bytes: 2048
  service_cycles: 1000
  stall_fraction: 0.5
  stall_interval_us: 50.25
  stall_duration_us: 0
  availability_trace: avail.csv
replay:
  mode: linerate
  max_packets: 5000000000
workload:
  vms: 8
  frames: 1000
  load: 0.5
  vlans: 2
  broadcast_fraction: 0.1
  multicast_fraction: 0.2
  arp_fraction: 0.3
  unknown_fraction: 0.4
  multicast_groups: 0
  frame_bytes: 1500
  stalling_vms: 8
  stall_us: 12.5
output:
  conn_pcaps: false
  dropped_pcap: no
  packets_csv: false
  timeline_interval_us: 0.5
  latency_percentiles: [25, 99.99]
connections:
  - name: web
    mac: 02:00:00:00:00:01
    vlan: 10
    ipv4: [10.0.0.1, 10.0.0.2]
    ipv6: [fd00::1]
    vm: {ring_entries: 8}
  - name: db.1
    mac: 02:00:00:00:00:01
  - name: cache-2
    mac: 0A:0b:0C:00:00:FF
    vlan: 4094
multicast_groups:
  - mac: 01:00:5e:00:00:01
    vlan: 10
    members: [web]
  - mac: 33:33:00:00:00:01
    members: [db.1, cache-2]
)";

TEST(config_load, defaults_without_a_file) {
    const config c = load_config("", {});
    EXPECT_EQ(c.clock.freq_mhz, 250);
    EXPECT_EQ(c.seed, 1u);
    EXPECT_EQ(c.mac.max_frame_bytes, 9216u);
    EXPECT_EQ(c.rx_buffer.size_bytes, 262144u);
    EXPECT_EQ(c.sram.size_bytes, 8388608u);
    EXPECT_EQ(c.sram.reserve_bytes, 2097152u);
    EXPECT_EQ(c.fifo.backend, fifo_backend::tlm);
    EXPECT_EQ(c.fifo.buffer_classes, (std::vector<std::uint32_t>{256, 2048, 9216}));
    EXPECT_EQ(c.fifo.class_shares, (std::vector<double>{0.25, 0.5, 0.25}));
    EXPECT_EQ(c.fifo.pool.shrink_above, 1024u);
    EXPECT_EQ(c.router.policy, router_policy::elastic);
    EXPECT_EQ(c.router.ordering, ordering_mode::connection);
    EXPECT_EQ(c.router.no_buffer, no_buffer_action::drop);
    EXPECT_EQ(c.lookup.unknown_unicast, "drop");
    EXPECT_EQ(c.vm.ring_entries, 256u);
    EXPECT_EQ(c.vm.stall_fraction, 0.0);
    EXPECT_EQ(c.vm.availability_trace, "");
    EXPECT_EQ(c.replay.mode, replay_mode::timestamps);
    EXPECT_EQ(c.replay.max_packets, 0u);
    EXPECT_EQ(c.workload.frames, 200000u);
    EXPECT_EQ(c.workload.load, 0.9);
    EXPECT_FALSE(c.workload.frame_bytes.has_value()); // imix
    EXPECT_TRUE(c.output.conn_pcaps);
    EXPECT_EQ(c.output.latency_percentiles, (std::vector<double>{50, 90, 99, 99.9}));
    EXPECT_TRUE(c.connections.empty());
    EXPECT_TRUE(c.multicast_groups.empty());
    EXPECT_EQ(c, default_config());
}

TEST(config_load, empty_file_and_empty_sections_keep_defaults) {
    temp_dir dir;
    EXPECT_EQ(load_config(dir.write("empty.yaml", ""), {}), default_config());
    EXPECT_EQ(load_config(dir.write("sections.yaml", "fifo:\nvm:\n  # nothing yet\n"), {}),
              default_config());
}

TEST(config_load, full_file) {
    temp_dir dir;
    const config c = load_config(dir.write("full.yaml", full_yaml), {});
    EXPECT_EQ(c.clock.freq_mhz, 312.5);
    EXPECT_EQ(c.seed, 42u);
    EXPECT_EQ(c.mac.fcs_bytes, 0u);
    EXPECT_EQ(c.sram.size_bytes, std::uint64_t{1} << 32); // hex, needs 33 bits
    EXPECT_EQ(c.fifo.backend, fifo_backend::lockstep);
    EXPECT_EQ(c.fifo.buffer_classes, (std::vector<std::uint32_t>{128, 1600}));
    EXPECT_EQ(c.fifo.pool.interval_cycles, 1000u);
    EXPECT_EQ(c.router.policy, router_policy::hol);
    EXPECT_EQ(c.router.ordering, ordering_mode::strict);
    EXPECT_EQ(c.router.no_buffer, no_buffer_action::wait);
    EXPECT_EQ(c.replay.mode, replay_mode::linerate);
    EXPECT_EQ(c.replay.max_packets, 5000000000u);
    EXPECT_EQ(c.workload.frame_bytes, std::optional<std::uint32_t>(1500));
    EXPECT_FALSE(c.output.dropped_pcap); // YAML "no"
    // A relative path in a file is relative to the file's folder.
    EXPECT_EQ(c.vm.availability_trace, (dir.path() / "avail.csv").string());

    ASSERT_EQ(c.connections.size(), 3u);
    const connection_config& web = c.connections[0];
    EXPECT_EQ(web.name, "web");
    EXPECT_EQ(web.mac, (mac_address{0x02, 0, 0, 0, 0, 0x01}));
    EXPECT_EQ(web.vlan, std::optional<std::uint16_t>(10));
    EXPECT_EQ(web.ipv4, (std::vector<ipv4_address>{0x0a000001, 0x0a000002}));
    ASSERT_EQ(web.ipv6.size(), 1u);
    EXPECT_EQ(web.ipv6[0][0], 0xfd);
    EXPECT_EQ(web.ipv6[0][15], 0x01);
    // Per-connection overrides on top of the global vm settings.
    EXPECT_EQ(web.vm.ring_entries, 8u);
    EXPECT_EQ(web.vm.availability_trace, c.vm.availability_trace); // one trace for all
    EXPECT_EQ(web.vm.buffer_bytes, 2048u);
    EXPECT_EQ(web.vm.stall_interval_us, 50.25);
    // Same MAC, other VLAN (untagged): a different connection key.
    EXPECT_FALSE(c.connections[1].vlan.has_value());
    EXPECT_EQ(c.connections[1].vm, c.vm);
    EXPECT_EQ(c.connections[2].mac, (mac_address{0x0a, 0x0b, 0x0c, 0, 0, 0xff}));

    ASSERT_EQ(c.multicast_groups.size(), 2u);
    EXPECT_EQ(c.multicast_groups[0].vlan, std::optional<std::uint16_t>(10));
    EXPECT_EQ(c.multicast_groups[1].members, (std::vector<std::string>{"db.1", "cache-2"}));
}

TEST(config_load, set_overrides_file_and_applies_in_order) {
    temp_dir dir;
    const std::string file = dir.write("cfg.yaml", "router:\n  policy: hol\nseed: 5\n");
    EXPECT_EQ(load_config(file, {}).router.policy, router_policy::hol);
    const config c = load_config(file, {"router.policy=drop", "seed=7", "seed=9"});
    EXPECT_EQ(c.router.policy, router_policy::drop);
    EXPECT_EQ(c.seed, 9u);
    EXPECT_EQ(c.router.ordering, ordering_mode::connection); // untouched default
}

TEST(config_load, set_values_are_yaml) {
    const config c =
        load_config("", {"fifo.buffer_classes=[256,9216]", "fifo.class_shares=[0.5, 0.5]",
                         "fifo.pool={grow_step: 2}", "vm.availability_trace=/t/a.csv",
                         "workload.frame_bytes=imix"});
    EXPECT_EQ(c.fifo.buffer_classes, (std::vector<std::uint32_t>{256, 9216}));
    EXPECT_EQ(c.fifo.pool.grow_step, 2u);
    EXPECT_EQ(c.fifo.pool.grow_below, 16u); // a map value merges, it does not replace
    EXPECT_EQ(c.vm.availability_trace, "/t/a.csv");
    // One item of a list by index.
    EXPECT_EQ(load_config("", {"fifo.buffer_classes.1=4096"}).fifo.buffer_classes,
              (std::vector<std::uint32_t>{256, 4096, 9216}));
}

TEST(config_load, set_paths_are_relative_to_the_working_directory) {
    const config c = load_config("", {"vm.availability_trace=traces/avail.csv",
                                      "connections=[{name: a, mac: '02:00:00:00:00:01'}]"});
    EXPECT_EQ(c.vm.availability_trace,
              (std::filesystem::current_path() / "traces/avail.csv").string());
    // Connections inherit the one trace (its lines name the connection).
    EXPECT_EQ(c.connections[0].vm.availability_trace, c.vm.availability_trace);
}

TEST(config_load, set_list_indices_in_connections) {
    temp_dir dir;
    const std::string file = dir.write("cfg.yaml", "connections:\n"
                                                   "  - name: a\n"
                                                   "    mac: 02:00:00:00:00:01\n"
                                                   "  - name: b\n"
                                                   "    mac: 02:00:00:00:00:02\n");
    const config c = load_config(file, {"connections.0.vm.ring_entries=8", "connections.1.vlan=20",
                                        "connections.2={name: c, mac: '02:00:00:00:00:03'}",
                                        "connections.2.ipv4=[10.1.1.1]"});
    ASSERT_EQ(c.connections.size(), 3u);
    EXPECT_EQ(c.connections[0].vm.ring_entries, 8u);
    EXPECT_EQ(c.connections[1].vm.ring_entries, 256u);
    EXPECT_EQ(c.connections[1].vlan, std::optional<std::uint16_t>(20));
    EXPECT_EQ(c.connections[1].name, "b"); // merged into the item, not replaced
    EXPECT_EQ(c.connections[2].name, "c");
    EXPECT_EQ(c.connections[2].ipv4, (std::vector<ipv4_address>{0x0a010101}));
}

TEST(config_load, cli_flags_map_to_set) {
    EXPECT_EQ(flag_override("--fifo", "rtl"), "fifo.backend=rtl");
    EXPECT_EQ(flag_override("--policy", "hol"), "router.policy=hol");
    EXPECT_EQ(flag_override("--replay", "linerate"), "replay.mode=linerate");
    EXPECT_EQ(flag_override("--seed", "3"), "seed=3");
    EXPECT_EQ(flag_override("--max-packets", "10"), "replay.max_packets=10");
    EXPECT_EQ(override_flags().size(), 5u);
    EXPECT_THROW(flag_override("--vcd", "x"), std::invalid_argument);
    const config c =
        load_config("", {flag_override("--fifo", "rtl"), flag_override("--max-packets", "10")});
    EXPECT_EQ(c.fifo.backend, fifo_backend::rtl);
    EXPECT_EQ(c.replay.max_packets, 10u);
}

TEST(config_load, addresses) {
    EXPECT_EQ(format_mac(*parse_mac("0A:0b:0C:00:00:FF")), "0a:0b:0c:00:00:ff");
    EXPECT_FALSE(parse_mac("02:00:00:00:00"));
    EXPECT_FALSE(parse_mac("02-00-00-00-00-01"));
    EXPECT_EQ(format_ipv4(*parse_ipv4("192.168.1.20")), "192.168.1.20");
    EXPECT_FALSE(parse_ipv4("10.0.0"));
    EXPECT_EQ(format_ipv6(*parse_ipv6("fd00:0:0::1")), "fd00::1");
    EXPECT_TRUE(is_group_mac(*parse_mac("01:00:5e:00:00:01")));
    EXPECT_EQ(mac_to_u64(*parse_mac("02:00:00:00:00:05")), 0x020000000005u);
}

} // namespace
} // namespace evr::config::test
