// Header parsing: every tag layout the router meets, and truncation at every length.
#include <gtest/gtest.h>
#include <memory>
#include <random>

#include "frame_builder.h"

namespace evr::lookup::test {
namespace {

constexpr uint64_t host_a = 0x02'00'00'00'00'01ULL;

TEST(parse_headers, untagged_ipv4) {
    const parsed_frame f = parse(ipv4_frame(host_a, {}, 0x0a000001));
    EXPECT_FALSE(f.runt);
    EXPECT_EQ(f.dst_mac, host_a);
    EXPECT_EQ(f.src_mac, any_src);
    EXPECT_FALSE(f.is_broadcast);
    EXPECT_FALSE(f.is_multicast);
    EXPECT_EQ(f.vlan_tags, 0);
    EXPECT_FALSE(f.vlan);
    EXPECT_FALSE(f.vlan_unknown);
    ASSERT_TRUE(f.has_ethertype);
    EXPECT_EQ(f.ethertype, ethertype_ipv4);
    EXPECT_EQ(f.l3_offset, 14u);
    ASSERT_TRUE(f.has_ipv4);
    EXPECT_EQ(f.ipv4_dst, 0x0a000001u);
    EXPECT_FALSE(f.has_ipv6);
    EXPECT_FALSE(f.has_arp);
}

TEST(parse_headers, dot1q_and_every_tpid) {
    for (uint16_t tpid : {0x8100, 0x88a8, 0x9100}) {
        const parsed_frame f = parse(ipv4_frame(host_a, {{tpid, 10}}, 0x0a000001));
        EXPECT_EQ(f.vlan_tags, 1) << tpid;
        ASSERT_TRUE(f.vlan) << tpid;
        EXPECT_EQ(*f.vlan, 10) << tpid;
        EXPECT_EQ(f.l3_offset, 18u);
        EXPECT_TRUE(f.has_ipv4);
    }
}

TEST(parse_headers, qinq_outer_vid_is_the_vlan) {
    const parsed_frame f = parse(ipv4_frame(host_a, {{0x88a8, 100}, {0x8100, 7}}, 0x0a000002));
    EXPECT_EQ(f.vlan_tags, 2);
    ASSERT_TRUE(f.vlan);
    EXPECT_EQ(*f.vlan, 100);
    EXPECT_EQ(f.ethertype, ethertype_ipv4);
    EXPECT_EQ(f.l3_offset, 22u);
    EXPECT_TRUE(f.has_ipv4);
    EXPECT_EQ(f.ipv4_dst, 0x0a000002u);

    const parsed_frame old = parse(ipv4_frame(host_a, {{0x9100, 4095}, {0x9100, 1}}, 1));
    ASSERT_TRUE(old.vlan);
    EXPECT_EQ(*old.vlan, 4095);
}

TEST(parse_headers, priority_tag_is_untagged) {
    const parsed_frame f = parse(ipv4_frame(host_a, {{0x8100, 0}}, 0x0a000001));
    EXPECT_EQ(f.vlan_tags, 1);
    EXPECT_FALSE(f.vlan);
    EXPECT_TRUE(f.has_ipv4);
    // Only the outer tag decides: a priority-tagged outer tag over a C-tag is untagged.
    const parsed_frame g = parse(ipv4_frame(host_a, {{0x88a8, 0}, {0x8100, 9}}, 1));
    EXPECT_EQ(g.vlan_tags, 2);
    EXPECT_FALSE(g.vlan);
}

TEST(parse_headers, tag_count_is_bounded) {
    const std::vector<tag> tags(12, tag{0x8100, 3});
    const parsed_frame f = parse(ipv4_frame(host_a, tags, 1));
    EXPECT_EQ(f.vlan_tags, max_vlan_tags);
    ASSERT_TRUE(f.has_ethertype);
    EXPECT_EQ(f.ethertype, 0x8100); // the 9th TPID is taken as the ethertype
    EXPECT_FALSE(f.has_ipv4);
}

TEST(parse_headers, ipv6) {
    const parsed_frame f = parse(ipv6_frame(host_a, {{0x8100, 20}}, ipv6_addr(7)));
    ASSERT_TRUE(f.has_ipv6);
    EXPECT_EQ(f.ipv6_dst, ipv6_addr(7));
    EXPECT_FALSE(f.has_ipv4);
    EXPECT_EQ(*f.vlan, 20);
}

TEST(parse_headers, arp_request_and_reply) {
    const parsed_frame req = parse(arp_frame(broadcast_mac, {}, arp_op_request, 0x0a000005));
    EXPECT_TRUE(req.is_broadcast);
    EXPECT_FALSE(req.is_multicast);
    ASSERT_TRUE(req.has_arp);
    EXPECT_EQ(req.arp_opcode, 1);
    ASSERT_TRUE(req.has_arp_target_ipv4);
    EXPECT_EQ(req.arp_target_ipv4, 0x0a000005u);

    const parsed_frame rep = parse(arp_frame(host_a, {{0x8100, 5}}, 2, 0x0a000063));
    ASSERT_TRUE(rep.has_arp);
    EXPECT_EQ(rep.arp_opcode, 2);
    EXPECT_EQ(rep.arp_target_ipv4, 0x0a000063u);
}

TEST(parse_headers, arp_other_than_ipv4_over_ethernet_has_no_target) {
    bytes b = arp_frame(broadcast_mac, {}, arp_op_request, 0x0a000005);
    b[14 + 3] = 0xdd; // ptype 0x08dd
    const parsed_frame f = parse(b);
    EXPECT_TRUE(f.has_arp);
    EXPECT_FALSE(f.has_arp_target_ipv4);
}

TEST(parse_headers, malformed_ip_version_or_ihl_is_not_parsed) {
    bytes b = ipv4_frame(host_a, {}, 0x0a000001);
    b[14] = 0x65;
    EXPECT_FALSE(parse(b).has_ipv4);
    b[14] = 0x44;
    EXPECT_FALSE(parse(b).has_ipv4);
    bytes c = ipv6_frame(host_a, {}, ipv6_addr(1));
    c[14] = 0x40;
    EXPECT_FALSE(parse(c).has_ipv6);
}

TEST(parse_headers, broadcast_and_multicast_flags) {
    EXPECT_TRUE(parse(ipv4_frame(broadcast_mac, {}, 1)).is_broadcast);
    const parsed_frame m = parse(ipv4_frame(0x01'00'5e'00'00'01ULL, {}, 0xe0000001));
    EXPECT_TRUE(m.is_multicast);
    EXPECT_FALSE(m.is_broadcast);
    EXPECT_TRUE(parse(ipv4_frame(0x33'33'00'00'00'01ULL, {}, 1)).is_multicast);
    // Locally administered unicast (U/L bit) is not multicast.
    EXPECT_FALSE(parse(ipv4_frame(0x02'00'00'00'00'01ULL, {}, 1)).is_multicast);
}

TEST(parse_headers, runts) {
    EXPECT_TRUE(parse_headers(nullptr, 0).runt);
    const bytes b = ipv4_frame(host_a, {}, 1);
    for (uint32_t len = 0; len < 14; ++len) {
        const parsed_frame f = parse_headers(b.data(), len);
        EXPECT_TRUE(f.runt);
        EXPECT_FALSE(f.is_broadcast || f.is_multicast || f.has_ethertype);
    }
    EXPECT_FALSE(parse_headers(b.data(), 14).runt);
}

// Each prefix is copied into an allocation of exactly its length, so a sanitizer build
// catches any read past cap_len.
parsed_frame parse_prefix(const bytes& full, uint32_t len) {
    std::unique_ptr<uint8_t[]> copy(new uint8_t[len == 0 ? 1 : len]);
    std::copy(full.begin(), full.begin() + len, copy.get());
    return parse_headers(len == 0 ? nullptr : copy.get(), len);
}

TEST(parse_headers, truncated_at_every_length) {
    struct sample {
        bytes frame;
        uint32_t tags;
        uint32_t l3_need; // L3 bytes needed for the L3 flag
    };
    const std::vector<sample> samples = {
        {ipv4_frame(host_a, {}, 0x0a000001), 0, 20},
        {ipv4_frame(host_a, {{0x8100, 10}}, 0x0a000001), 1, 20},
        {ipv4_frame(host_a, {{0x88a8, 10}, {0x8100, 20}}, 0x0a000001), 2, 20},
        {ipv6_frame(host_a, {{0x88a8, 10}, {0x8100, 20}}, ipv6_addr(1)), 2, 40},
        {arp_frame(broadcast_mac, {{0x8100, 30}}, arp_op_request, 0x0a000001), 1, 28},
    };
    for (const sample& s : samples) {
        const uint32_t l3 = 14 + 4 * s.tags;
        // 0..60 and on to the full frame, so the IPv6 sample's flag turns true too.
        for (uint32_t len = 0; len <= s.frame.size(); ++len) {
            SCOPED_TRACE(testing::Message() << "tags " << s.tags << " len " << len);
            const parsed_frame f = parse_prefix(s.frame, len);
            EXPECT_EQ(f.runt, len < 14);
            EXPECT_EQ(f.vlan_unknown, s.tags > 0 && len >= 14 && len < 16);
            EXPECT_EQ(bool(f.vlan), s.tags > 0 && len >= 16);
            EXPECT_EQ(f.has_ethertype, len >= l3);
            const bool l3_ok = len >= l3 + s.l3_need;
            EXPECT_EQ(f.has_ipv4 || f.has_ipv6 || f.has_arp_target_ipv4, l3_ok);
            if (f.has_arp) {
                EXPECT_GE(len, l3 + 8);
            }
        }
    }
}

TEST(parse_headers, random_bytes_never_read_past_cap_len) {
    std::mt19937 rng(7);
    for (int i = 0; i < 20000; ++i) {
        const uint32_t len = rng() % 80;
        std::unique_ptr<uint8_t[]> buf(new uint8_t[len == 0 ? 1 : len]);
        for (uint32_t j = 0; j < len; ++j) {
            // Bias toward TPIDs and known ethertypes so deep paths are reached.
            const uint32_t r = rng() % 8;
            buf[j] = r == 0 ? 0x81 : r == 1 ? 0x00 : r == 2 ? 0x08 : static_cast<uint8_t>(rng());
        }
        const parsed_frame f = parse_headers(buf.get(), len);
        if (f.has_ethertype) {
            EXPECT_LE(f.l3_offset, len);
        }
    }
}

TEST(parse_headers, unicast_address_classes) {
    EXPECT_TRUE(is_unicast_ipv4(0x0a000001));
    EXPECT_FALSE(is_unicast_ipv4(0));
    EXPECT_FALSE(is_unicast_ipv4(0xe0000001));
    EXPECT_FALSE(is_unicast_ipv4(0xefffffff));
    EXPECT_FALSE(is_unicast_ipv4(0xffffffff));
    EXPECT_TRUE(is_unicast_ipv6(ipv6_addr(1)));
    EXPECT_FALSE(is_unicast_ipv6({}));
    EXPECT_FALSE(is_unicast_ipv6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
}

} // namespace
} // namespace evr::lookup::test
