// to_yaml(): every key printed, and the printed YAML loads back to an equal config.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "evr/config/schema.h"
#include "temp_dir.h"

namespace evr::config::test {
namespace {

config reload(const config& c, const temp_dir& dir) {
    return load_config(dir.write("printed.yaml", to_yaml(c)), {});
}

TEST(config_print, defaults_round_trip) {
    temp_dir dir;
    const config c = default_config();
    const config back = reload(c, dir);
    EXPECT_EQ(back, c);
    EXPECT_EQ(to_yaml(back), to_yaml(c));
}

TEST(config_print, every_key_is_printed) {
    const YAML::Node printed = YAML::Load(to_yaml(default_config()));
    for (const key_info& k : schema()) {
        if (k.path.find('[') != std::string::npos)
            continue;
        YAML::Node node = printed;
        std::size_t from = 0;
        for (std::size_t dot = 0; dot != std::string::npos; from = dot + 1) {
            dot = k.path.find('.', from);
            const YAML::Node& current = node;
            node.reset(current[k.path.substr(from, dot == std::string::npos ? dot : dot - from)]);
            ASSERT_TRUE(node.IsDefined()) << k.path << " missing from to_yaml()";
        }
    }
}

TEST(config_print, full_config_round_trip) {
    temp_dir dir;
    const config c = load_config(
        "", {"clock.freq_mhz=333.33333333333331", "seed=18446744073709551615",
             "sram.size_bytes=4294967296", "fifo.backend=rtl", "fifo.buffer_classes=[100, 200]",
             "fifo.class_shares=[0.1, 0.9]", "router.policy=drop", "router.ordering=strict",
             "router.no_buffer=wait", "vm.stall_fraction=0.1",
             "vm.availability_trace=/some where/\"odd\" ~.csv", "replay.mode=linerate",
             "workload.frame_bytes=64", "workload.load=0.3", "output.packets_csv=false",
             "output.latency_percentiles=[1e-3, 99.999]",
             "connections=[{name: 'true', mac: '02:00:00:00:00:01', vlan: 7, "
             "ipv4: [192.168.0.1], ipv6: ['::1', 'fe80::1:2'], vm: {ring_entries: 3}}, "
             "{name: '123', mac: '12:34:56:78:9a:bc'}]",
             "multicast_groups=[{mac: '01:00:5e:7f:00:01', vlan: 7, members: ['true']}, "
             "{mac: '33:33:00:00:00:01', members: ['true', '123']}]",
             "lookup.unknown_unicast=123"});
    ASSERT_EQ(c.connections.size(), 2u);
    ASSERT_EQ(c.connections[0].name, "true");
    const config back = reload(c, dir);
    EXPECT_EQ(back, c) << to_yaml(c);
    EXPECT_EQ(to_yaml(back), to_yaml(c));
    EXPECT_EQ(back.connections[0].vm.ring_entries, 3u);
    EXPECT_EQ(back.vm.availability_trace, "/some where/\"odd\" ~.csv");
}

TEST(config_print, output_is_readable) {
    const std::string text = to_yaml(default_config());
    EXPECT_NE(text.find("  freq_mhz: 250\n"), std::string::npos) << text;
    EXPECT_NE(text.find("  buffer_classes: [256, 2048, 9216]\n"), std::string::npos) << text;
    EXPECT_NE(text.find("  load: 0.9\n"), std::string::npos) << text;
    EXPECT_NE(text.find("connections: []\n"), std::string::npos) << text;
}

} // namespace
} // namespace evr::config::test
