// Learn mode: naming, order of first appearance, the IPv4 first-seen rule, ignored frames.
#include <gtest/gtest.h>

#include "evr/lookup/connection_table.h"
#include "evr/lookup/learner.h"
#include "evr/lookup/mac.h"
#include "frame_builder.h"

namespace evr::lookup::test {
namespace {

void observe(learner& l, const bytes& b) {
    l.observe(b.data(), static_cast<uint32_t>(b.size()));
}

TEST(learner, names) {
    EXPECT_EQ(format_mac(0xAA'BB'CC'0D'0E'0FULL), "aa-bb-cc-0d-0e-0f");
    EXPECT_EQ(learned_name(0x02'00'00'00'00'01ULL, std::nullopt), "02-00-00-00-00-01");
    EXPECT_EQ(learned_name(0x02'00'00'00'00'01ULL, 4094), "02-00-00-00-00-01.v4094");
}

TEST(learner, distinct_unicast_destinations_in_order_of_first_appearance) {
    learner l;
    observe(l, ipv4_frame(0x02'00'00'00'00'0bULL, {{0x8100, 10}}, 0x0a000001));
    observe(l, ipv4_frame(0x02'00'00'00'00'0aULL, {}, 0x0a000002));
    observe(l, ipv4_frame(0x02'00'00'00'00'0bULL, {{0x8100, 10}}, 0x0a000001)); // seen
    observe(l, ipv4_frame(0x02'00'00'00'00'0bULL, {}, 0x0a000003));   // same MAC, untagged
    observe(l, ipv4_frame(0x02'00'00'00'00'0aULL, {{0x8100, 0}}, 1)); // priority = untagged
    observe(l, ipv4_frame(0x02'00'00'00'00'0aULL, {{0x88a8, 20}, {0x8100, 10}}, 1)); // outer
    observe(l, l2(0x02'00'00'00'00'0cULL, {}, 0x88b5)); // any ethertype counts
    const auto c = l.connections();
    ASSERT_EQ(c.size(), 5u);
    EXPECT_EQ(l.size(), 5u);
    EXPECT_EQ(c[0].name, "02-00-00-00-00-0b.v10");
    EXPECT_EQ(c[0].vlan, std::optional<uint16_t>(10));
    EXPECT_EQ(c[1].name, "02-00-00-00-00-0a");
    EXPECT_FALSE(c[1].vlan);
    EXPECT_EQ(c[2].name, "02-00-00-00-00-0b");
    EXPECT_EQ(c[3].name, "02-00-00-00-00-0a.v20");
    EXPECT_EQ(c[4].name, "02-00-00-00-00-0c");
    EXPECT_EQ(c[4].mac, 0x02'00'00'00'00'0cULL);
    for (const auto& conn : c) {
        EXPECT_TRUE(conn.ipv6.empty()); // no IPv6 ownership in learn mode
    }
}

TEST(learner, ignores_runts_broadcast_multicast_and_cut_off_tags) {
    learner l;
    const bytes b = ipv4_frame(0x02'00'00'00'00'01ULL, {{0x8100, 10}}, 0x0a000001);
    for (uint32_t len = 0; len < 16; ++len) {
        l.observe(b.data(), len);
    }
    l.observe(nullptr, 0);
    observe(l, ipv4_frame(broadcast_mac, {}, 0x0a000001));
    observe(l, ipv4_frame(0x01'00'5e'00'00'01ULL, {}, 0xe0000001));
    observe(l, arp_frame(broadcast_mac, {}, arp_op_request, 0x0a000001));
    EXPECT_EQ(l.size(), 0u);
    l.observe(b.data(), 16); // the tag is complete: learned, but no IPv4 header yet
    ASSERT_EQ(l.size(), 1u);
    EXPECT_TRUE(l.connections()[0].ipv4.empty());
}

TEST(learner, ipv4_first_seen_wins) {
    learner l;
    const uint64_t x = 0x02'00'00'00'00'01ULL;
    const uint64_t y = 0x02'00'00'00'00'02ULL;
    observe(l, ipv4_frame(x, {}, 0x0a000001));
    observe(l, ipv4_frame(y, {{0x8100, 5}}, 0x0a000001)); // already x's, even in another VLAN
    observe(l, ipv4_frame(y, {{0x8100, 5}}, 0x0a000002));
    observe(l, ipv4_frame(x, {}, 0x0a000003));
    observe(l, ipv4_frame(x, {}, 0x0a000001)); // repeated: no duplicate
    observe(l, ipv4_frame(x, {}, 0xe0000001)); // multicast / broadcast / 0.0.0.0: not owned
    observe(l, ipv4_frame(x, {}, 0xffffffff));
    observe(l, ipv4_frame(x, {}, 0));
    observe(l,
            ipv6_frame(y, {{0x8100, 5}}, {0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
    const auto c = l.connections();
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].ipv4, (std::vector<uint32_t>{0x0a000001, 0x0a000003}));
    EXPECT_EQ(c[1].ipv4, (std::vector<uint32_t>{0x0a000002}));
    EXPECT_TRUE(c[1].ipv6.empty());
}

TEST(learner, learned_connections_build_a_table) {
    learner l;
    observe(l, ipv4_frame(0x02'00'00'00'00'01ULL, {{0x8100, 7}}, 0x0a000001));
    observe(l, ipv4_frame(0x02'00'00'00'00'02ULL, {{0x8100, 7}}, 0x0a000002));
    observe(l, ipv4_frame(0x02'00'00'00'00'03ULL, {}, 0x0a000003));
    const connection_table t(l.connections(), {}, std::nullopt);
    const parsed_frame f = parse(ipv4_frame(0x02'00'00'00'00'02ULL, {{0x8100, 7}}, 1));
    EXPECT_EQ(t.resolve(f).connection, 1u);
    const parsed_frame bc = parse(arp_frame(broadcast_mac, {{0x8100, 7}}, 1, 0x0a000009));
    std::vector<uint32_t> targets;
    t.fan_out(bc, t.resolve(bc), targets);
    EXPECT_EQ(targets, (std::vector<uint32_t>{0, 1}));
}

} // namespace
} // namespace evr::lookup::test
