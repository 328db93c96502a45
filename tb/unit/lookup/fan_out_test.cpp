// The assist engine's fan-out: VLAN confinement, groups vs flood, ARP owner, default
// connection, and a 4096-connection sanity run.
#include <algorithm>
#include <gtest/gtest.h>

#include "sample_table.h"

namespace evr::lookup::test {
namespace {

using ids = std::vector<uint32_t>;

ids fan_out(const connection_table& t, const bytes& frame) {
    const parsed_frame f = parse(frame);
    ids targets;
    t.fan_out(f, t.resolve(f), targets);
    EXPECT_TRUE(std::is_sorted(targets.begin(), targets.end()));
    EXPECT_TRUE(std::adjacent_find(targets.begin(), targets.end()) == targets.end());
    for (uint32_t c : targets) { // the isolation invariant, checked on every fan-out
        EXPECT_EQ(t.connection(c).vlan, f.vlan) << "connection " << c << " outside the VLAN";
    }
    return targets;
}

TEST(fan_out, broadcast_stays_in_its_vlan) {
    const connection_table t = sample_table();
    // MAC A has a connection in each of untagged, 10 and 20: each gets only its VLAN's copy.
    EXPECT_EQ(fan_out(t, ipv4_frame(broadcast_mac, {}, 0xffffffff)), (ids{a_untagged, d_untagged}));
    EXPECT_EQ(fan_out(t, ipv4_frame(broadcast_mac, {{0x8100, 0}}, 0xffffffff)),
              (ids{a_untagged, d_untagged}));
    EXPECT_EQ(fan_out(t, ipv4_frame(broadcast_mac, {{0x8100, 10}}, 0xffffffff)),
              (ids{a_v10, b_v10}));
    EXPECT_EQ(fan_out(t, ipv4_frame(broadcast_mac, {{0x88a8, 20}, {0x8100, 10}}, 1)),
              (ids{a_v20, c_v20}));
    EXPECT_TRUE(fan_out(t, ipv4_frame(broadcast_mac, {{0x8100, 30}}, 1)).empty()); // no_member
}

TEST(fan_out, multicast_group_with_vlan) {
    const connection_table t = sample_table();
    // Member a_v20 is configured but is outside VLAN 10: never reached.
    EXPECT_EQ(fan_out(t, ipv4_frame(group_10, {{0x8100, 10}}, 0xe0000001)), (ids{a_v10, b_v10}));
    // The group is for VLAN 10 only; elsewhere the MAC has no group and floods.
    EXPECT_EQ(fan_out(t, ipv4_frame(group_10, {{0x8100, 20}}, 0xe0000001)), (ids{a_v20, c_v20}));
}

TEST(fan_out, multicast_group_without_vlan_matches_every_vlan) {
    const connection_table t = sample_table();
    EXPECT_EQ(fan_out(t, ipv4_frame(group_any, {}, 0xe0000002)), (ids{a_untagged}));
    EXPECT_EQ(fan_out(t, ipv4_frame(group_any, {{0x8100, 10}}, 0xe0000002)), (ids{b_v10}));
    // VLAN 20 has its own group for the MAC, which wins over the VLAN-less one.
    EXPECT_EQ(fan_out(t, ipv4_frame(group_any, {{0x8100, 20}}, 0xe0000002)), (ids{a_v20}));
    // The group matches in VLAN 30 but has no member there: no copy, no flood.
    EXPECT_TRUE(fan_out(t, ipv4_frame(group_any, {{0x8100, 30}}, 0xe0000002)).empty());
}

TEST(fan_out, multicast_without_group_floods_the_vlan) {
    const connection_table t = sample_table();
    EXPECT_EQ(fan_out(t, ipv4_frame(group_none, {{0x8100, 10}}, 0xe0000003)), (ids{a_v10, b_v10}));
    EXPECT_EQ(fan_out(t, ipv6_frame(0x33'33'00'00'00'01ULL, {}, ipv6_addr(1))),
              (ids{a_untagged, d_untagged}));
}

TEST(fan_out, arp_request_goes_to_the_owner_in_the_vlan) {
    const connection_table t = sample_table();
    EXPECT_EQ(fan_out(t, arp_frame(broadcast_mac, {}, arp_op_request, ip_1)), (ids{a_untagged}));
    EXPECT_EQ(fan_out(t, arp_frame(broadcast_mac, {{0x8100, 10}}, arp_op_request, ip_2)),
              (ids{a_v10}));
    EXPECT_EQ(fan_out(t, arp_frame(broadcast_mac, {{0x8100, 20}}, arp_op_request, ip_2)),
              (ids{a_v20}));
    // 10.0.0.3's owner is in VLAN 10: from VLAN 20 the request floods VLAN 20 only.
    EXPECT_EQ(fan_out(t, arp_frame(broadcast_mac, {{0x8100, 20}}, arp_op_request, ip_3)),
              (ids{a_v20, c_v20}));
    EXPECT_EQ(fan_out(t, arp_frame(broadcast_mac, {{0x8100, 10}}, arp_op_request, ip_none)),
              (ids{a_v10, b_v10}));
}

TEST(fan_out, other_arp_broadcasts_flood_the_vlan) {
    const connection_table t = sample_table();
    // A gratuitous ARP reply for an owned address still informs every neighbour.
    EXPECT_EQ(fan_out(t, arp_frame(broadcast_mac, {{0x8100, 10}}, 2, ip_2)), (ids{a_v10, b_v10}));
    // A request without an IPv4 target (not IPv4 over Ethernet, or cut off) floods too.
    bytes b = arp_frame(broadcast_mac, {}, arp_op_request, ip_1);
    b[14 + 1] = 6; // htype IEEE 802
    EXPECT_EQ(fan_out(t, b), (ids{a_untagged, d_untagged}));
    bytes cut = arp_frame(broadcast_mac, {}, arp_op_request, ip_1);
    cut.resize(14 + 27);
    EXPECT_EQ(fan_out(t, cut), (ids{a_untagged, d_untagged}));
}

TEST(fan_out, unknown_goes_to_a_default_of_its_own_vlan) {
    const bytes untagged = ipv4_frame(mac_stranger, {}, ip_none);
    const bytes v10 = ipv4_frame(mac_stranger, {{0x8100, 10}}, ip_none);
    EXPECT_TRUE(fan_out(sample_table(), untagged).empty()); // no default: unknown_destination

    const connection_table untagged_default = sample_table(d_untagged);
    EXPECT_EQ(fan_out(untagged_default, untagged), (ids{d_untagged}));
    EXPECT_TRUE(fan_out(untagged_default, v10).empty());

    const connection_table v10_default = sample_table(b_v10);
    EXPECT_EQ(fan_out(v10_default, v10), (ids{b_v10}));
    EXPECT_TRUE(fan_out(v10_default, untagged).empty());
    EXPECT_TRUE(fan_out(v10_default, ipv4_frame(mac_stranger, {{0x8100, 20}}, 1)).empty());
}

TEST(fan_out, frame_without_a_known_vlan_reaches_nobody) {
    const connection_table t = sample_table(d_untagged);
    const bytes b = ipv4_frame(broadcast_mac, {{0x8100, 10}}, 1);
    const parsed_frame f = parse_headers(b.data(), 15); // outer TCI cut off
    ASSERT_TRUE(f.vlan_unknown);
    ids targets{99};
    t.fan_out(f, t.resolve(f), targets);
    EXPECT_TRUE(targets.empty());
    // Even when a caller passes a special class, the frame is not delivered.
    t.fan_out(f, {frame_class::broadcast, 0}, targets);
    EXPECT_TRUE(targets.empty());
}

TEST(fan_out, known_is_its_connection_and_targets_are_reused) {
    const connection_table t = sample_table();
    const parsed_frame f = parse(ipv4_frame(mac_b, {{0x8100, 10}}, ip_none));
    ids targets;
    targets.reserve(64);
    targets = {7, 8, 9};
    const auto* storage = targets.data();
    t.fan_out(f, t.resolve(f), targets);
    EXPECT_EQ(targets, (ids{b_v10}));
    EXPECT_EQ(targets.data(), storage); // the caller's capacity is reused, not reallocated
}

// 4096 connections in 16 VLANs, each with an IPv4 address; no timing assertion, only that
// a realistic size builds and every lookup gives the right answer.
TEST(fan_out, many_connections_sanity) {
    constexpr uint32_t n = 4096;
    std::vector<connection_def> conns;
    for (uint32_t i = 0; i < n; ++i) {
        conns.push_back({"vm" + std::to_string(i),
                         0x02'00'00'00'00'00ULL | i,
                         static_cast<uint16_t>(1 + i % 16),
                         {0x0a000000U | i},
                         {}});
    }
    const connection_table t(std::move(conns), {{group_10, std::nullopt, {1, 17, 33, 2}}}, 0);
    std::vector<bytes> frames;
    for (uint32_t i = 0; i < n; ++i) {
        const uint16_t vid = static_cast<uint16_t>(1 + i % 16);
        // Odd frames miss L2 and hit L3.
        frames.push_back(ipv4_frame(i % 2 ? mac_stranger : (0x02'00'00'00'00'00ULL | i),
                                    {{0x8100, vid}}, 0x0a000000U | i));
    }
    ids targets;
    uint64_t hits = 0;
    for (int round = 0; round < 50; ++round) {
        for (uint32_t i = 0; i < n; ++i) {
            const parsed_frame f = parse(frames[i]);
            const fast_result r = t.resolve(f);
            t.fan_out(f, r, targets);
            hits += r.kind == frame_class::known && r.connection == i && targets.size() == 1;
        }
    }
    EXPECT_EQ(hits, 50u * n);
    EXPECT_EQ(fan_out(t, ipv4_frame(broadcast_mac, {{0x8100, 1}}, 1)).size(), n / 16);
    EXPECT_EQ(fan_out(t, ipv4_frame(group_10, {{0x8100, 2}}, 1)), (ids{1, 17, 33}));
}

} // namespace
} // namespace evr::lookup::test
