// Every kind of input error: one line naming the file (or --set), line, key and problem.
#include <gtest/gtest.h>

#include "temp_dir.h"

namespace evr::config::test {
namespace {

class config_error : public ::testing::Test {
protected:
    // Loads `yaml` as cfg.yaml and returns the error with the folder stripped from the
    // file name, so expectations read like what the user sees.
    std::string error(const std::string& yaml, const std::vector<std::string>& sets = {}) {
        const std::string path = m_dir.write("cfg.yaml", yaml);
        std::string message = load_error(path, sets);
        const std::string folder = m_dir.path().string() + "/";
        for (std::size_t at; (at = message.find(folder)) != std::string::npos;)
            message.erase(at, folder.size());
        return message;
    }
    std::string set_error(const std::vector<std::string>& sets) { return load_error("", sets); }

    temp_dir m_dir;
};

// Two connections and a group, for the table checks.
const std::string two_connections = "connections:\n"
                                    "  - name: a\n"
                                    "    mac: 02:00:00:00:00:01\n"
                                    "    vlan: 10\n"
                                    "    ipv4: [10.0.0.1]\n"
                                    "    ipv6: [fd00::1]\n"
                                    "  - name: b\n"
                                    "    mac: 02:00:00:00:00:02\n";

TEST_F(config_error, unknown_key_with_suggestion) {
    EXPECT_EQ(error("seed: 3\nfifo:\n  backend: rtl\n  indirect_bufers: 10\n"),
              "cfg.yaml:4: fifo.indirect_bufers: unknown key (did you mean "
              "fifo.indirect_buffers?)");
    // The right name in the wrong section.
    EXPECT_EQ(error("fifo:\n  grow_below: 3\n"),
              "cfg.yaml:2: fifo.grow_below: unknown key (did you mean fifo.pool.grow_below?)");
    // Nothing close: no suggestion.
    EXPECT_EQ(error("colour: blue\n"), "cfg.yaml:1: colour: unknown key");
    EXPECT_EQ(error("clock:\n  frequency: 3\n"), "cfg.yaml:2: clock.frequency: unknown key");
}

TEST_F(config_error, unknown_key_in_list_items) {
    EXPECT_EQ(error(two_connections + "  - name: c\n    mac: 02:00:00:00:00:03\n    vlam: 3\n"),
              "cfg.yaml:11: connections[2].vlam: unknown key (did you mean "
              "connections[2].vlan?)");
    EXPECT_EQ(error(two_connections + "    vm:\n      ring_entrys: 4\n"),
              "cfg.yaml:10: connections[1].vm.ring_entrys: unknown key (did you mean "
              "connections[1].vm.ring_entries?)");
}

TEST_F(config_error, availability_trace_is_not_per_connection) {
    EXPECT_EQ(error(two_connections + "    vm:\n      availability_trace: b.csv\n"),
              "cfg.yaml:10: connections[1].vm.availability_trace: not a per-connection setting: "
              "vm.availability_trace names the connection on each line");
}

TEST_F(config_error, wrong_types) {
    EXPECT_EQ(error("clock:\n  freq_mhz: fast\n"),
              "cfg.yaml:2: clock.freq_mhz: expected a number, got \"fast\"");
    EXPECT_EQ(error("clock:\n  freq_mhz: [1]\n"),
              "cfg.yaml:2: clock.freq_mhz: expected a number, got a list");
    EXPECT_EQ(error("clock: 250\n"), "cfg.yaml:1: clock: expected a map, got \"250\"");
    EXPECT_EQ(error("output:\n  conn_pcaps: maybe\n"),
              "cfg.yaml:2: output.conn_pcaps: expected true or false, got \"maybe\"");
    EXPECT_EQ(error("fifo:\n  buffer_classes: 256\n"),
              "cfg.yaml:2: fifo.buffer_classes: expected a list like [a, b], got \"256\"");
    EXPECT_EQ(error("router:\n  policy: fifo\n"),
              "cfg.yaml:2: router.policy: expected one of elastic, hol, drop, got \"fifo\"");
    EXPECT_EQ(error("workload:\n  frame_bytes: jumbo\n"),
              "cfg.yaml:2: workload.frame_bytes: expected imix or a size in bytes, got \"jumbo\"");
    EXPECT_EQ(error("connections: {name: a}\n"),
              "cfg.yaml:1: connections: expected a list of maps, got a map");
}

TEST_F(config_error, integers_reject_negative_fraction_and_overflow) {
    EXPECT_EQ(error("mac:\n  ifg_bytes: -1\n"),
              "cfg.yaml:2: mac.ifg_bytes: expected a non-negative integer, got -1");
    EXPECT_EQ(error("mac:\n  ifg_bytes: 1.5\n"),
              "cfg.yaml:2: mac.ifg_bytes: expected an integer, got 1.5");
    EXPECT_EQ(error("seed: 99999999999999999999\n"),
              "cfg.yaml:1: seed: 99999999999999999999 is too large (more than 64 bits)");
    // Fits 64 bits, not the 32-bit range.
    EXPECT_EQ(error("fifo:\n  indirect_buffers: 4294967296\n"),
              "cfg.yaml:2: fifo.indirect_buffers: 4294967296 is out of range [0, 2^24]");
    EXPECT_EQ(error("fifo:\n  buffer_classes: [256, -5]\n"),
              "cfg.yaml:2: fifo.buffer_classes[1]: expected a non-negative integer, got -5");
}

TEST_F(config_error, ranges) {
    EXPECT_EQ(error("mac:\n  max_frame_bytes: 70000\n"),
              "cfg.yaml:2: mac.max_frame_bytes: 70000 is out of range [64, 65535]");
    EXPECT_EQ(error("clock:\n  freq_mhz: 0\n"),
              "cfg.yaml:2: clock.freq_mhz: 0 is out of range (0, 10000]");
    EXPECT_EQ(error("output:\n  latency_percentiles: [50, 100.5]\n"),
              "cfg.yaml:2: output.latency_percentiles[1]: 100.5 is out of range (0, 100]");
    EXPECT_EQ(error("workload:\n  frame_bytes: 59\n"),
              "cfg.yaml:2: workload.frame_bytes: 59 is out of range [60, 9216]");
}

TEST_F(config_error, file_problems) {
    EXPECT_EQ(load_error(m_dir.path().string() + "/missing.yaml"),
              m_dir.path().string() + "/missing.yaml: cannot open: No such file or directory");
    EXPECT_EQ(error("seed: 1\nfifo:\n  backend: [tlm\n"),
              "cfg.yaml:4: YAML syntax error: end of sequence flow not found");
    EXPECT_EQ(error("- a\n- b\n"),
              "cfg.yaml:1: expected a map of sections at the top level, got a list");
    EXPECT_EQ(error("fifo:\n  backend: rtl\n  pool: {}\n  backend: tlm\n"),
              "cfg.yaml:4: fifo.backend: duplicate key (also on line 2)");
    EXPECT_EQ(error("just text\n"),
              "cfg.yaml:1: expected a map of sections at the top level, got \"just text\"");
}

TEST_F(config_error, arbiter_orders_name_each_requester_once) {
    EXPECT_EQ(error("arbiter:\n  fifo:\n    order: [store, asist, local, pool]\n"),
              "cfg.yaml:3: arbiter.fifo.order[1]: 'asist' is not a requester of this port "
              "(store, assist, local, pool) (did you mean assist?)");
    EXPECT_EQ(error("arbiter:\n  sram_read:\n    order: [local, local]\n"),
              "cfg.yaml:3: arbiter.sram_read.order[1]: 'local' is named twice; name each of "
              "assist, local once");
    EXPECT_EQ(error("arbiter:\n  fifo:\n    order: [pool, store]\n"),
              "cfg.yaml:3: arbiter.fifo.order: names 2 of the port's 4 requesters; name each of "
              "store, assist, local, pool once");
    EXPECT_EQ(error("arbiter:\n  sram_read:\n    policy: fifo\n"),
              "cfg.yaml:3: arbiter.sram_read.policy: expected one of round_robin, priority, got "
              "\"fifo\"");
}

TEST_F(config_error, fifo_cross_checks) {
    EXPECT_EQ(error("fifo:\n  buffer_classes: [256, 256, 9216]\n"),
              "cfg.yaml:2: fifo.buffer_classes[1]: 256 does not exceed the class before it "
              "(256); classes must be strictly ascending");
    EXPECT_EQ(error("fifo:\n  buffer_classes: [256, 9216]\n"),
              "cfg.yaml:2: fifo.buffer_classes: fifo.class_shares has 3 items but "
              "fifo.buffer_classes has 2; give one share per class");
    EXPECT_EQ(error("fifo:\n  buffer_classes: []\n  class_shares: []\n"),
              "cfg.yaml:2: fifo.buffer_classes: needs at least one buffer class");
    EXPECT_EQ(error("fifo:\n  class_shares: [0.25, 0.5, 0.3]\n"),
              "cfg.yaml:2: fifo.class_shares: shares sum to 1.05, must sum to 1");
    EXPECT_EQ(error("fifo:\n  pool:\n    grow_below: 1000\n"),
              "cfg.yaml:3: fifo.pool.grow_below: fifo.pool.shrink_above (1024) must exceed "
              "fifo.pool.grow_below + fifo.pool.grow_step (1064), or the pool manager would "
              "shrink right after growing");
    EXPECT_EQ(error("sram:\n  size_bytes: 1048576\n"),
              "cfg.yaml:2: sram.size_bytes: sram.reserve_bytes (2097152) exceeds "
              "sram.size_bytes (1048576)");
    EXPECT_EQ(error(two_connections + "fifo:\n  max_connections: 1\n"),
              "cfg.yaml:1: connections: 2 connections exceed fifo.max_connections (1)");
}

TEST_F(config_error, connection_table) {
    EXPECT_EQ(error(two_connections + "  - name: c\n    mac: 02:00:00:00:00:01\n    vlan: 10\n"),
              "cfg.yaml:10: connections[2].mac: duplicate connection key "
              "(02:00:00:00:00:01, vlan 10) also used by connections[0]");
    EXPECT_EQ(error(two_connections + "  - name: a\n    mac: 02:00:00:00:00:03\n"),
              "cfg.yaml:9: connections[2].name: duplicate connection name \"a\" also used by "
              "connections[0]");
    EXPECT_EQ(error("connections:\n  - name: a/b\n    mac: 02:00:00:00:00:01\n"),
              "cfg.yaml:2: connections[0].name: \"a/b\" is not a valid name (use A-Z a-z 0-9 _ "
              ". -; it becomes the file name conn/<name>.pcap)");
    EXPECT_EQ(error("connections:\n  - name: x\n    mac: 01:00:5e:00:00:01\n"),
              "cfg.yaml:3: connections[0].mac: 01:00:5e:00:00:01 is a group address (I/G bit "
              "set); a connection needs a unicast MAC");
    EXPECT_EQ(error("connections:\n  - name: x\n    mac: 02:00:00:00:01\n"),
              "cfg.yaml:3: connections[0].mac: expected a MAC address like 02:00:00:00:00:01, "
              "got \"02:00:00:00:01\"");
    EXPECT_EQ(error("connections:\n  - name: x\n"),
              "cfg.yaml:2: connections[0]: missing required key mac");
    EXPECT_EQ(error("connections:\n  - name: x\n    mac: 02:00:00:00:00:01\n    vlan: 4095\n"),
              "cfg.yaml:4: connections[0].vlan: 4095 is out of range [1, 4094]");
    EXPECT_EQ(error(two_connections + "    ipv4: [10.0.0.2, 10.0.0.1]\n"),
              "cfg.yaml:9: connections[1].ipv4[1]: 10.0.0.1 is also used by connections[0]");
    EXPECT_EQ(error(two_connections + "    ipv6: ['fd00:0::1']\n"),
              "cfg.yaml:9: connections[1].ipv6[0]: fd00::1 is also used by connections[0]");
    EXPECT_EQ(error(two_connections + "    ipv4: [10.0.0.256]\n"),
              "cfg.yaml:9: connections[1].ipv4[0]: expected an IPv4 address like 10.0.0.1, got "
              "\"10.0.0.256\"");
}

TEST_F(config_error, multicast_groups_and_lookup) {
    EXPECT_EQ(error(two_connections + "multicast_groups:\n  - mac: 02:00:5e:00:00:01\n"
                                      "    members: [a]\n"),
              "cfg.yaml:10: multicast_groups[0].mac: 02:00:5e:00:00:01 is a unicast address; a "
              "multicast group needs the I/G bit set (e.g. 01:00:5e:00:00:01)");
    EXPECT_EQ(error(two_connections + "multicast_groups:\n  - mac: 01:00:5e:00:00:01\n"
                                      "    members: [a, bb]\n"),
              "cfg.yaml:11: multicast_groups[0].members[1]: no connection is named \"bb\" (did "
              "you mean b?)");
    EXPECT_EQ(error(two_connections + "multicast_groups:\n  - mac: 01:00:5e:00:00:01\n"),
              "cfg.yaml:10: multicast_groups[0]: missing required key members");
    EXPECT_EQ(error(two_connections + "lookup:\n  unknown_unicast: c\n"),
              "cfg.yaml:10: lookup.unknown_unicast: \"c\" is neither drop nor a connection name "
              "(did you mean a?)");
    EXPECT_EQ(error(two_connections + "lookup:\n  unknown_unicast: b\n"), "no error");
}

TEST_F(config_error, workload_cross_checks) {
    EXPECT_EQ(error("workload:\n  arp_fraction: 0.95\n"),
              "cfg.yaml:2: workload.arp_fraction: workload fractions (broadcast + multicast + "
              "arp + unknown) sum to 1.01, must be at most 1");
    EXPECT_EQ(error("workload:\n  vms: 2\n"),
              "cfg.yaml:2: workload.vms: workload.stalling_vms (4) exceeds workload.vms (2)");
}

TEST_F(config_error, set_errors) {
    EXPECT_EQ(set_error({"router.policy=fifo"}),
              "--set router.policy=fifo: expected one of elastic, hol, drop, got \"fifo\"");
    EXPECT_EQ(set_error({"fifo.indirect_bufers=3"}),
              "--set fifo.indirect_bufers=3: unknown key (did you mean fifo.indirect_buffers?)");
    EXPECT_EQ(set_error({"fifo={indirect_bufers: 3}"}),
              "--set fifo={indirect_bufers: 3}: fifo.indirect_bufers: unknown key (did you mean "
              "fifo.indirect_buffers?)");
    EXPECT_EQ(set_error({"seed"}), "--set seed: expected key=value");
    EXPECT_EQ(set_error({"fifo..backend=tlm"}),
              "--set fifo..backend=tlm: malformed key, expected a dotted path like "
              "fifo.pool.grow_step or connections.0.vlan");
    EXPECT_EQ(set_error({"fifo.buffer_classes=[1,"}).substr(0, 58),
              "--set fifo.buffer_classes=[1,: YAML syntax error in the va");
    EXPECT_EQ(set_error({"connections.1.vlan=3"}),
              "--set connections.1.vlan=3: index 1 is past the end of connections (0 items; use "
              "index 0 to append)");
    EXPECT_EQ(set_error({"mac.max_frame_bytes=70000"}),
              "--set mac.max_frame_bytes=70000: 70000 is out of range [64, 65535]");
    // The last writer of a value is the one blamed.
    EXPECT_EQ(error("mac:\n  max_frame_bytes: 1500\n", {"mac.max_frame_bytes=1"}),
              "--set mac.max_frame_bytes=1: 1 is out of range [64, 65535]");
    EXPECT_EQ(error("sram:\n  size_bytes: 1048576\n", {"sram.reserve_bytes=4194304"}),
              "--set sram.reserve_bytes=4194304: sram.reserve_bytes (4194304) exceeds "
              "sram.size_bytes (1048576)");
    EXPECT_EQ(set_error({"connections.0={name: a}"}),
              "--set connections.0={name: a}: missing required key mac");
}

// Found by fuzz_config: an error quoting user text with a line break printed two lines.
TEST_F(config_error, quoted_line_breaks_stay_on_one_line) {
    EXPECT_EQ(set_error({"16\n  frames: 1000"}), "--set 16\\n  frames: 1000: expected key=value");
    EXPECT_EQ(set_error({"seed=1\r\n2"}), "--set seed=1\\r\\n2: expected an integer, got \"1 2\"");
    EXPECT_EQ(error("seed: \"a\\nb\\x01\"\n"),
              "cfg.yaml:1: seed: expected an integer, got \"a\\nb\\x01\"");
}

} // namespace
} // namespace evr::config::test
