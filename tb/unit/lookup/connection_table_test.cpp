// The parser's fast lookup (resolve) and the table's validation.
#include <gtest/gtest.h>

#include "evr/common/error.h"
#include "sample_table.h"

namespace evr::lookup::test {
namespace {

fast_result resolve(const connection_table& t, const bytes& frame) {
    return t.resolve(parse(frame));
}

TEST(resolve, special_classes) {
    const connection_table t = sample_table();
    EXPECT_EQ(resolve(t, arp_frame(broadcast_mac, {}, arp_op_request, ip_1)).kind,
              frame_class::arp);
    // The ethertype that decides ARP is the one after the tags.
    EXPECT_EQ(resolve(t, arp_frame(broadcast_mac, {{0x88a8, 10}, {0x8100, 3}}, 2, ip_1)).kind,
              frame_class::arp);
    EXPECT_EQ(resolve(t, ipv4_frame(broadcast_mac, {{0x8100, 10}}, 0xffffffff)).kind,
              frame_class::broadcast);
    EXPECT_EQ(resolve(t, ipv4_frame(group_10, {{0x8100, 10}}, 0xe0000001)).kind,
              frame_class::multicast);
    // A multicast ARP is multicast: only broadcast ARP is the ARP class.
    EXPECT_EQ(resolve(t, arp_frame(group_10, {}, arp_op_request, ip_1)).kind,
              frame_class::multicast);
    EXPECT_EQ(resolve(t, ipv4_frame(mac_stranger, {}, ip_none)).kind, frame_class::unknown);
}

TEST(resolve, l2_exact_match_on_mac_and_vlan) {
    const connection_table t = sample_table();
    const auto known = [&](const bytes& frame, uint32_t conn) {
        const fast_result r = resolve(t, frame);
        EXPECT_EQ(r.kind, frame_class::known);
        EXPECT_EQ(r.connection, conn);
    };
    known(ipv4_frame(mac_a, {}, ip_none), a_untagged);
    known(ipv4_frame(mac_a, {{0x8100, 10}}, ip_none), a_v10);
    known(ipv4_frame(mac_a, {{0x88a8, 20}, {0x8100, 10}}, ip_none), a_v20);
    known(ipv4_frame(mac_a, {{0x8100, 0}}, ip_none), a_untagged); // priority tag
    known(l2(mac_d, {}, 0x88b5), d_untagged);                     // any ethertype
    // MAC A exists, but not in VLAN 30; MAC D exists, but only untagged.
    EXPECT_EQ(resolve(t, ipv4_frame(mac_a, {{0x8100, 30}}, ip_none)).kind, frame_class::unknown);
    EXPECT_EQ(resolve(t, ipv4_frame(mac_d, {{0x8100, 10}}, ip_none)).kind, frame_class::unknown);
}

TEST(resolve, l3_match_only_within_the_vlan) {
    const connection_table t = sample_table();
    const auto l3 = [&](const bytes& frame) { return resolve(t, frame); };
    fast_result r = l3(ipv4_frame(mac_stranger, {}, ip_1));
    EXPECT_EQ(r.kind, frame_class::known);
    EXPECT_EQ(r.connection, a_untagged);
    r = l3(ipv4_frame(mac_stranger, {{0x8100, 10}}, ip_2));
    EXPECT_EQ(r.kind, frame_class::known);
    EXPECT_EQ(r.connection, a_v10);
    r = l3(ipv4_frame(mac_stranger, {{0x8100, 20}}, ip_2));
    EXPECT_EQ(r.kind, frame_class::known);
    EXPECT_EQ(r.connection, a_v20);
    // 10.0.0.1 belongs to an untagged connection: not reachable from VLAN 10.
    EXPECT_EQ(l3(ipv4_frame(mac_stranger, {{0x8100, 10}}, ip_1)).kind, frame_class::unknown);
    EXPECT_EQ(l3(ipv4_frame(mac_stranger, {{0x8100, 30}}, ip_2)).kind, frame_class::unknown);
    // L2 wins over L3 when both match different connections.
    r = l3(ipv4_frame(mac_d, {}, ip_1));
    EXPECT_EQ(r.connection, d_untagged);

    r = l3(ipv6_frame(mac_stranger, {{0x8100, 10}}, ipv6_addr(3)));
    EXPECT_EQ(r.kind, frame_class::known);
    EXPECT_EQ(r.connection, b_v10);
    EXPECT_EQ(l3(ipv6_frame(mac_stranger, {}, ipv6_addr(3))).kind, frame_class::unknown);
    r = l3(ipv6_frame(mac_stranger, {{0x8100, 0}}, ipv6_addr(1)));
    EXPECT_EQ(r.connection, a_untagged);
}

TEST(resolve, runt_and_cut_off_outer_tag_are_unknown) {
    const connection_table t = sample_table();
    EXPECT_EQ(t.resolve(parse_headers(nullptr, 0)).kind, frame_class::unknown);
    const bytes b = ipv4_frame(broadcast_mac, {{0x8100, 10}}, 1);
    for (uint32_t len = 0; len < 16; ++len) {
        EXPECT_EQ(t.resolve(parse_headers(b.data(), len)).kind, frame_class::unknown) << len;
    }
    EXPECT_EQ(t.resolve(parse_headers(b.data(), 16)).kind, frame_class::broadcast);
}

TEST(resolve, empty_table) {
    const connection_table t;
    EXPECT_EQ(t.size(), 0u);
    EXPECT_EQ(resolve(t, ipv4_frame(mac_a, {}, ip_1)).kind, frame_class::unknown);
    EXPECT_TRUE(t.connections_in_vlan(std::nullopt).empty());
}

TEST(connection_table, accessors) {
    const connection_table t = sample_table(d_untagged);
    EXPECT_EQ(t.size(), 6u);
    EXPECT_EQ(t.connection(b_v10).name, "b-v10");
    EXPECT_EQ(t.default_connection(), std::optional<uint32_t>(d_untagged));
    EXPECT_EQ(t.connections_in_vlan(10), (std::vector<uint32_t>{a_v10, b_v10}));
    EXPECT_EQ(t.connections_in_vlan(std::nullopt), (std::vector<uint32_t>{a_untagged, d_untagged}));
    EXPECT_TRUE(t.connections_in_vlan(0).empty());
    EXPECT_TRUE(t.connections_in_vlan(4096).empty());
    EXPECT_EQ(t.find_l2(mac_a, 20), std::optional<uint32_t>(a_v20));
    EXPECT_FALSE(t.find_l2(mac_a, 20 | 0x8000)); // would alias VLAN 20 in a 16-bit key
    EXPECT_EQ(t.find_ipv4(ip_2, 10), std::optional<uint32_t>(a_v10));
    EXPECT_EQ(t.find_ipv6(ipv6_addr(3), 10), std::optional<uint32_t>(b_v10));
    EXPECT_STREQ(to_string(frame_class::arp), "arp");
}

void expect_rejected(std::vector<connection_def> c, std::vector<group_def> g,
                     std::optional<uint32_t> def, const std::string& fragment) {
    try {
        connection_table t(std::move(c), std::move(g), def);
        ADD_FAILURE() << "accepted; expected an error containing: " << fragment;
    } catch (const input_error& e) {
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
}

TEST(connection_table, rejects_ambiguous_or_impossible_entries) {
    auto c = sample_connections();
    c.push_back({"dup", mac_a, 10, {}, {}});
    expect_rejected(c, {}, {}, "already belongs to connection 'a-v10'");

    c = sample_connections();
    c[1].vlan = 0;
    expect_rejected(c, {}, {}, "outside 1..4095");
    c[1].vlan = 4096;
    expect_rejected(c, {}, {}, "outside 1..4095");

    c = sample_connections();
    c[0].mac = group_10;
    expect_rejected(c, {}, {}, "not a 48-bit unicast address");

    c = sample_connections();
    c[2].ipv4.push_back(ip_2); // already 1's in VLAN 10
    expect_rejected(c, {}, {}, "10.0.0.2 VLAN 10 already belongs to connection 'a-v10'");
    c = sample_connections();
    c[2].ipv4.push_back(0xe0000001);
    expect_rejected(c, {}, {}, "224.0.0.1 is not a unicast address");
    c = sample_connections();
    c[1].ipv6.push_back(ipv6_addr(3)); // 2 owns it too, in the same VLAN 10
    expect_rejected(c, {}, {},
                    "'b-v10': IPv6 address 2001:db8:0:0:0:0:0:3 VLAN 10 already belongs to "
                    "connection 'a-v10'");

    expect_rejected(sample_connections(), {{mac_a, std::nullopt, {}}}, {}, "not a multicast");
    expect_rejected(sample_connections(), {{broadcast_mac, std::nullopt, {}}}, {},
                    "not a multicast");
    expect_rejected(sample_connections(), {{group_10, 10, {6}}}, {}, "member 6");
    expect_rejected(sample_connections(), {{group_10, 10, {}}, {group_10, 10, {}}}, {},
                    "defined twice");
    expect_rejected(sample_connections(), {{group_10, {}, {}}, {group_10, {}, {}}}, {},
                    "defined twice");
    expect_rejected(sample_connections(), {}, 6, "default connection 6");
}

TEST(connection_table, accepts_same_address_in_different_vlans_and_repeats) {
    auto c = sample_connections();
    c[1].ipv4.push_back(ip_2); // listed twice by the same connection
    EXPECT_NO_THROW(connection_table(c, sample_groups(), 0));
}

} // namespace
} // namespace evr::lookup::test
