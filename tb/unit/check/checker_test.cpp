#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <random>

#include "evr/check/checker.h"
#include "evr/lookup/connection_table.h"
#include "frames.h"

namespace evr::check::test {
namespace {

using core::drop_reason;
using core::path_kind;
using targets = std::vector<std::uint32_t>;

constexpr std::uint64_t mac(std::uint8_t last) {
    return 0x020000000000ULL | last;
}
constexpr std::uint64_t mcast_a = 0x01005e000001ULL; // group in every VLAN + VLAN 10 override
constexpr std::uint64_t mcast_b = 0x01005e000002ULL; // group whose only member is in VLAN 20
constexpr std::uint64_t mcast_c = 0x01005e7f0009ULL; // no group: flood
constexpr std::uint32_t ip_1 = 0x0a000001;           // 10.0.0.1 in untagged and in VLAN 10
constexpr std::uint32_t ip_2 = 0x0a000002;
const std::array<std::uint8_t, 16> ip6_3 = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3};

//  0 vm0  untagged  mac ..01  10.0.0.1
//  1 vm1  untagged  mac ..02  10.0.0.2   (default connection)
//  2 vm2  VLAN 10   mac ..03  10.0.0.1
//  3 vm3  VLAN 10   mac ..04  fd00::3
//  4 vm4  VLAN 20   mac ..05
//  5 vm5  VLAN 20   mac ..01  (same MAC as vm0, other VLAN)
std::vector<lookup::connection_def> sample_conns() {
    std::vector<lookup::connection_def> c(6);
    c[0] = {"vm0", mac(1), std::nullopt, {ip_1}, {}};
    c[1] = {"vm1", mac(2), std::nullopt, {ip_2}, {}};
    c[2] = {"vm2", mac(3), 10, {ip_1}, {}};
    c[3] = {"vm3", mac(4), 10, {}, {ip6_3}};
    c[4] = {"vm4", mac(5), 20, {}, {}};
    c[5] = {"vm5", mac(1), 20, {}, {}};
    return c;
}

std::vector<lookup::group_def> sample_groups() {
    return {
        {mcast_a, std::nullopt, {4, 0, 2, 0}}, {mcast_a, 10, {3}}, {mcast_b, std::nullopt, {4}}};
}

// Plays the router: feeds inputs and reports deliveries/drops the way engines would.
class harness {
public:
    explicit harness(ordering_mode mode = ordering_mode::connection,
                     std::optional<std::uint32_t> def = 1)
        : m_checker(sample_conns(), sample_groups(), def, mode) {}

    std::uint64_t input(const bytes& b) {
        core::frame_slot s;
        s.index = m_next++;
        s.cap_len = static_cast<std::uint32_t>(b.size());
        s.orig_len = s.cap_len;
        s.bytes = b;
        m_frames[s.index] = b;
        m_checker.on_input(s);
        return s.index;
    }
    void deliver(std::uint64_t i, std::uint32_t conn, path_kind p = path_kind::direct) {
        deliver_bytes(i, conn, m_frames.at(i), p);
    }
    void deliver_bytes(std::uint64_t i, std::uint32_t conn, const bytes& b,
                       path_kind p = path_kind::direct) {
        core::copy_view v;
        v.index = i;
        v.conn = conn;
        v.data = b.data();
        v.cap_len = static_cast<std::uint32_t>(b.size());
        v.orig_len = static_cast<std::uint32_t>(m_frames.at(i).size());
        m_checker.on_delivered(v, p);
    }
    void drop(std::uint64_t i, std::optional<std::uint32_t> conn, drop_reason r) {
        core::copy_view v;
        v.index = i;
        v.conn = conn;
        // Some drops carry no data (the adapter never stored the frame).
        m_checker.on_dropped(v, r);
    }
    checker& chk() { return m_checker; }
    targets expect(const bytes& b) {
        targets t;
        m_checker.expected_targets(b.data(), static_cast<std::uint32_t>(b.size()), t);
        return t;
    }

private:
    checker m_checker;
    std::uint64_t m_next = 0;
    std::map<std::uint64_t, bytes> m_frames;
};

bool mentions(const verdict& v, const std::string& a, const std::string& b = "",
              const std::string& c = "") {
    return std::any_of(v.messages.begin(), v.messages.end(), [&](const std::string& m) {
        return m.find(a) != std::string::npos && m.find(b) != std::string::npos &&
               m.find(c) != std::string::npos;
    });
}

std::string dump(const verdict& v) {
    return to_json(v).dump(2);
}

// ---- The checker's own reading of docs/lookup.md ---------------------------------------

TEST(expected_targets, unicast_l2_l3_and_default) {
    harness h;
    EXPECT_EQ(h.expect(plain(mac(1), std::nullopt)), targets{0});
    EXPECT_EQ(h.expect(plain(mac(1), 20)), targets{5}); // same MAC, the VLAN decides
    EXPECT_EQ(h.expect(plain(mac(1), 30)), targets{});  // unknown in VLAN 30, default untagged
    EXPECT_EQ(h.expect(plain(mac(9), std::nullopt)), targets{1}); // unknown -> default
    EXPECT_EQ(h.expect(plain(mac(9), 10)), targets{});            // default is not in VLAN 10
    // L3: unknown MAC, the IPv4 owner of the frame's VLAN.
    EXPECT_EQ(h.expect(ipv4(mac(9), std::nullopt, ip_1)), targets{0});
    EXPECT_EQ(h.expect(ipv4(mac(9), 10, ip_1)), targets{2});
    EXPECT_EQ(h.expect(ipv4(mac(9), 20, ip_1)), targets{});
    EXPECT_EQ(h.expect(ipv4(mac(9), std::nullopt, ip_1, 0x44)), targets{1}); // bad IHL
    // L2 wins over L3.
    EXPECT_EQ(h.expect(ipv4(mac(2), std::nullopt, ip_1)), targets{1});
    EXPECT_EQ(h.expect(ipv6(mac(9), 10, ip6_3)), targets{3});
    EXPECT_EQ(h.expect(ipv6(mac(9), 20, ip6_3)), targets{});
    // A priority tag (VID 0) is untagged.
    EXPECT_EQ(h.expect(plain(mac(1), 0)), targets{0});
}

TEST(expected_targets, broadcast_multicast_arp_and_tags) {
    harness h;
    EXPECT_EQ(h.expect(plain(bcast, std::nullopt)), (targets{0, 1}));
    EXPECT_EQ(h.expect(plain(bcast, 10)), (targets{2, 3}));
    EXPECT_EQ(h.expect(plain(bcast, 30)), targets{});
    // QinQ: the outer (802.1ad) tag decides, whatever the inner one says.
    bytes qinq = eth(bcast, {{0x88a8, 20}, {0x8100, 10}}, 0x88b5);
    qinq.resize(64, 0);
    EXPECT_EQ(h.expect(qinq), (targets{4, 5}));
    bytes t9100 = eth(bcast, {{0x9100, 10}}, 0x88b5);
    t9100.resize(64, 0);
    EXPECT_EQ(h.expect(t9100), (targets{2, 3}));
    // Outer tag cut off: VLAN unknown, delivered nowhere (not even as broadcast/default).
    bytes cut = plain(bcast, 10);
    cut.resize(15);
    EXPECT_EQ(h.expect(cut), targets{});
    cut = plain(mac(9), 10);
    cut.resize(14);
    EXPECT_EQ(h.expect(cut), targets{});
    EXPECT_EQ(h.expect(bytes(13, 0xff)), targets{}); // runt

    EXPECT_EQ(h.expect(plain(mcast_a, std::nullopt)), targets{0});
    EXPECT_EQ(h.expect(plain(mcast_a, 10)), targets{3}); // VLAN group overrides
    EXPECT_EQ(h.expect(plain(mcast_a, 20)), targets{4});
    EXPECT_EQ(h.expect(plain(mcast_b, std::nullopt)), targets{}); // group, no member here
    EXPECT_EQ(h.expect(plain(mcast_c, 20)), (targets{4, 5}));     // no group: flood

    EXPECT_EQ(h.expect(arp(bcast, std::nullopt, 1, ip_1)), targets{0});
    EXPECT_EQ(h.expect(arp(bcast, 10, 1, ip_1)), targets{2});
    EXPECT_EQ(h.expect(arp(bcast, 20, 1, ip_1)), (targets{4, 5})); // owner not in VLAN
    EXPECT_EQ(h.expect(arp(bcast, std::nullopt, 1, 0x0a090909)), (targets{0, 1}));
    EXPECT_EQ(h.expect(arp(bcast, std::nullopt, 2, ip_1)), (targets{0, 1})); // reply
    bytes short_arp = arp(bcast, std::nullopt, 1, ip_1);
    short_arp.resize(14 + 27); // target IPv4 cut off: whole VLAN
    EXPECT_EQ(h.expect(short_arp), (targets{0, 1}));
    EXPECT_EQ(h.expect(arp(mcast_a, std::nullopt, 1, ip_2)), targets{0}); // multicast ARP
}

// Differential test: two independent implementations of docs/lookup.md (the router's
// evr_lookup and the checker's own) must agree on structured random frames. The checker
// itself never calls evr_lookup; only this test compares them.
TEST(expected_targets, agrees_with_evr_lookup_on_random_frames) {
    harness h;
    const lookup::connection_table table(sample_conns(), sample_groups(), 1);
    std::mt19937_64 rng(7);
    auto pick = [&](auto... v) {
        const std::array<std::common_type_t<decltype(v)...>, sizeof...(v)> a{v...};
        return a[rng() % a.size()];
    };
    targets mine, theirs;
    std::map<std::string, int> seen; // class/outcome mix, so the test cannot go vacuous
    for (int n = 0; n < 50000; ++n) {
        const std::uint64_t dst = pick(mac(1), mac(2), mac(3), mac(4), mac(5), mac(9), bcast,
                                       mcast_a, mcast_b, mcast_c, 0x033333000001ULL);
        bytes b;
        put_mac(b, dst);
        put_mac(b, src_mac);
        const int tags = static_cast<int>(rng() % 11) - 6; // mostly none, sometimes up to 4
        for (int t = 0; t < tags; ++t) {
            put16(b, pick(std::uint16_t{0x8100}, std::uint16_t{0x88a8}, std::uint16_t{0x9100}));
            put16(b, static_cast<std::uint16_t>((rng() & 0xe000) | pick(0u, 10u, 20u, 30u, 4095u)));
        }
        const std::uint16_t type = pick(std::uint16_t{0x0800}, std::uint16_t{0x86dd},
                                        std::uint16_t{0x0806}, std::uint16_t{0x88b5});
        put16(b, type);
        const std::uint32_t ip4 = pick(ip_1, ip_2, 0x0a090909u, 0xe0000001u, 0u, 0xffffffffu);
        if (type == 0x0800) {
            b.push_back(pick(std::uint8_t{0x45}, std::uint8_t{0x46}, std::uint8_t{0x44},
                             std::uint8_t{0x65}));
            b.insert(b.end(), 15, 0);
            put32(b, ip4);
        } else if (type == 0x86dd) {
            put32(b, pick(0x60000000u, 0x40000000u));
            b.insert(b.end(), 20, 0);
            std::array<std::uint8_t, 16> a = ip6_3;
            a[0] = pick(std::uint8_t{0xfd}, std::uint8_t{0xff}, std::uint8_t{0});
            if (a[0] == 0)
                a[15] = pick(std::uint8_t{0}, std::uint8_t{3});
            b.insert(b.end(), a.begin(), a.end());
        } else if (type == 0x0806) {
            put16(b, pick(std::uint16_t{1}, std::uint16_t{6}));
            put16(b, 0x0800);
            b.push_back(6);
            b.push_back(pick(std::uint8_t{4}, std::uint8_t{16}));
            put16(b, pick(std::uint16_t{1}, std::uint16_t{2}, std::uint16_t{3}));
            b.insert(b.end(), 16, 0);
            put32(b, ip4);
        }
        b.resize(std::max<std::size_t>(b.size(), 64), 0);
        if (rng() % 4 == 0)
            b.resize(rng() % (b.size() + 1)); // sliced capture, anywhere
        const auto len = static_cast<std::uint32_t>(b.size());
        // Exact-size copy: a sanitizer build catches any over-read by either side.
        const std::unique_ptr<std::uint8_t[]> exact(new std::uint8_t[len ? len : 1]);
        std::copy(b.begin(), b.end(), exact.get());

        const traffic_class cls = h.chk().expected_targets(exact.get(), len, mine);
        const lookup::parsed_frame pf = lookup::parse_headers(exact.get(), len);
        const lookup::fast_result r = table.resolve(pf);
        table.fan_out(pf, r, theirs);
        ASSERT_EQ(mine, theirs) << "frame " << n << " len " << len;
        ++seen[std::string(lookup::to_string(r.kind)) + (mine.empty() ? "/none" : "/some")];
        const bool special = r.kind == lookup::frame_class::broadcast ||
                             r.kind == lookup::frame_class::multicast ||
                             r.kind == lookup::frame_class::arp;
        if (special)
            ASSERT_STREQ(to_string(cls), lookup::to_string(r.kind)) << "frame " << n;
        else
            ASSERT_EQ(cls, traffic_class::unicast) << "frame " << n;
    }
    for (const char* k : {"known/some", "unknown/some", "unknown/none", "broadcast/some",
                          "broadcast/none", "multicast/some", "multicast/none", "arp/some"})
        EXPECT_GT(seen[k], 100) << k;
}

// ---- Clean runs ----------------------------------------------------------------------------

TEST(checker, clean_mixed_run_passes) {
    harness h;
    const auto u = h.input(plain(mac(1), std::nullopt));
    const auto dflt = h.input(plain(mac(9), std::nullopt));
    const auto unk = h.input(plain(mac(9), 30));
    const auto bc = h.input(plain(bcast, 10));
    const auto mc = h.input(plain(mcast_a, std::nullopt));
    const auto ar = h.input(arp(bcast, std::nullopt, 1, ip_1));
    const auto nomem = h.input(plain(bcast, 30));
    const auto runt = h.input(bytes(10, 0x11));
    const auto ovf = h.input(plain(mac(3), 10));
    const auto bc2 = h.input(plain(bcast, std::nullopt));
    const auto cut = h.input(bytes{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x81, 0});

    h.deliver(u, 0);
    h.chk().on_fanout(dflt, 1);
    h.deliver(dflt, 1, path_kind::assisted);
    h.drop(unk, std::nullopt, drop_reason::unknown_destination);
    h.chk().on_fanout(bc, 2);
    h.deliver(bc, 3, path_kind::assisted);
    h.deliver(bc, 2, path_kind::assisted);
    h.deliver(mc, 0, path_kind::assisted);
    h.deliver(ar, 0, path_kind::assisted);
    h.drop(nomem, std::nullopt, drop_reason::no_member);
    h.drop(runt, std::nullopt, drop_reason::runt);
    h.drop(ovf, std::nullopt, drop_reason::rx_overflow);
    h.chk().on_fanout(bc2, 2);
    h.drop(bc2, 0, drop_reason::no_indirect);
    h.deliver(bc2, 1, path_kind::assisted);
    h.drop(cut, std::nullopt, drop_reason::unknown_destination);
    h.chk().check_buffers(64, 64, 0, 32, 32);

    const verdict v = h.chk().finish(0);
    EXPECT_TRUE(v.pass) << dump(v);
    EXPECT_EQ(v.violations, 0u);
    EXPECT_EQ(v.frames_checked, 11u);
    EXPECT_EQ(v.copies_expected, 9u);
    EXPECT_EQ(v.copies_delivered, 7u);
    EXPECT_EQ(v.copies_dropped, 2u); // the rx_overflow unicast and one broadcast copy
    EXPECT_EQ(v.frames_dropped_whole, 5u);
    EXPECT_EQ(v.frames_resolved, 11u);
    EXPECT_EQ(v.unresolved, 0u);
    EXPECT_EQ(h.chk().frames_in_flight(), 0u);
    const auto j = to_json(v);
    EXPECT_TRUE(j.at("pass").get<bool>());
    EXPECT_EQ(j.at("by_check").at("order_violations").get<std::uint64_t>(), 0u);
}

TEST(checker, parked_frames_are_allowed_when_declared) {
    harness h;
    const auto a = h.input(plain(mac(1), std::nullopt));
    const auto b = h.input(plain(mac(4), 10));
    h.deliver(a, 0);
    h.chk().check_buffers(64, 63, 1, 32, 30); // indirect buffers may be in use while parked
    const verdict v = h.chk().finish(1);
    EXPECT_TRUE(v.pass) << dump(v);
    EXPECT_EQ(v.unresolved, 1u);
    EXPECT_EQ(v.parked, 1u);

    harness h2;
    h2.input(plain(mac(1), std::nullopt));
    const auto c = h2.input(plain(mac(4), 10));
    EXPECT_TRUE(h2.chk().finish(std::vector<std::uint64_t>{0, c}).pass);
    (void)b;
}

TEST(checker, memory_is_bounded_by_frames_in_flight) {
    harness h;
    const bytes f = plain(mac(1), std::nullopt);
    const bytes g = plain(bcast, 20);
    for (int i = 0; i < 100000; ++i) {
        const auto a = h.input(f);
        const auto b = h.input(g);
        h.deliver(a, 0);
        h.deliver(b, 5, path_kind::assisted);
        h.deliver(b, 4, path_kind::assisted);
        ASSERT_EQ(h.chk().frames_in_flight(), 0u);
    }
    const verdict v = h.chk().finish(0);
    EXPECT_TRUE(v.pass) << dump(v);
    EXPECT_EQ(v.copies_delivered, 300000u);
}

// ---- Injected faults ------------------------------------------------------------------

TEST(fault, misrouted_copy) {
    harness h;
    const auto i = h.input(plain(mac(1), std::nullopt));
    h.deliver(i, 1);
    h.drop(i, std::nullopt, drop_reason::no_buffer); // resolve so only the misroute remains
    const verdict v = h.chk().finish(0);
    EXPECT_FALSE(v.pass);
    EXPECT_EQ(v.misrouted, 1u) << dump(v);
    EXPECT_EQ(v.violations, 1u) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 0", "'vm1'", "misrouted")) << dump(v);
}

TEST(fault, copy_to_another_vlan) {
    harness h;
    const auto i = h.input(plain(bcast, 10));
    h.deliver(i, 2);
    h.deliver(i, 3);
    h.deliver(i, 4); // VLAN 20
    const verdict v = h.chk().finish(0);
    EXPECT_FALSE(v.pass);
    EXPECT_EQ(v.vlan_crossings, 1u) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 0", "'vm4'", "across VLANs")) << dump(v);

    // A frame whose VLAN is unknown crosses into whatever VLAN it reaches.
    harness h2;
    bytes cut = plain(mac(1), 10);
    cut.resize(15);
    const auto j = h2.input(cut);
    h2.deliver(j, 0);
    const verdict v2 = h2.chk().finish(0);
    EXPECT_EQ(v2.vlan_crossings, 1u) << dump(v2);
    EXPECT_TRUE(mentions(v2, "'vm0'", "VLAN unknown")) << dump(v2);
}

TEST(fault, duplicate_delivery) {
    harness h;
    const auto bc = h.input(plain(bcast, std::nullopt));
    const auto u = h.input(plain(mac(1), std::nullopt));
    h.deliver(bc, 0);
    h.deliver(bc, 0); // still in flight: a duplicate copy
    h.deliver(bc, 1);
    h.deliver(u, 0);
    h.deliver(u, 0); // after the frame was fully resolved
    h.drop(u, std::nullopt, drop_reason::no_buffer);
    const verdict v = h.chk().finish(0);
    EXPECT_FALSE(v.pass);
    EXPECT_EQ(v.duplicates, 3u) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 0", "'vm0'", "duplicate delivery")) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 1", "'vm0'", "duplicate delivery")) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 1", "(whole frame)", "already fully resolved")) << dump(v);
}

TEST(fault, extra_copy_long_after_resolution) {
    // Past resolved_window the frame is forgotten: an extra copy is still caught.
    harness h;
    const auto u = h.input(plain(mac(1), std::nullopt));
    h.deliver(u, 0);
    for (std::size_t i = 0; i < checker::resolved_window; ++i)
        h.deliver(h.input(plain(mac(2), std::nullopt)), 1);
    h.deliver(u, 0);
    const verdict v = h.chk().finish(0);
    EXPECT_EQ(v.duplicates, 1u) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 0", "'vm0'", "after the frame was fully resolved")) << dump(v);
}

TEST(fault, missing_delivery_at_finish) {
    harness h;
    const auto bc = h.input(plain(bcast, 10));
    const auto nobody = h.input(plain(bcast, 30)); // must be dropped no_member, never is
    h.deliver(bc, 2);
    (void)nobody;
    const verdict v = h.chk().finish(0);
    EXPECT_FALSE(v.pass);
    EXPECT_EQ(v.missing, 2u) << dump(v);
    EXPECT_EQ(v.unresolved, 2u);
    EXPECT_TRUE(mentions(v, "frame 0", "'vm3'", "never delivered")) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 1", "never dropped")) << dump(v);

    // Declared parked frames excuse only that many.
    harness h2;
    h2.input(plain(mac(1), std::nullopt));
    h2.input(plain(mac(2), std::nullopt));
    const verdict v2 = h2.chk().finish(1);
    EXPECT_EQ(v2.missing, 1u) << dump(v2);
}

TEST(fault, reordered_unicast_pair) {
    harness h;
    const auto a = h.input(plain(mac(1), std::nullopt));
    const auto b = h.input(ipv4(mac(9), std::nullopt, ip_1)); // L3 hit, also vm0
    h.deliver(b, 0);
    h.deliver(a, 0, path_kind::stored);
    const verdict v = h.chk().finish(0);
    EXPECT_FALSE(v.pass);
    EXPECT_EQ(v.order_violations, 1u) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 0", "'vm0'", "out of order")) << dump(v);
}

// A broadcast copy overtaken by a later unicast frame: allowed with `connection` ordering
// (the classes are separate), a violation with `strict`.
verdict broadcast_overtaken(ordering_mode mode) {
    harness h(mode);
    const auto bc = h.input(plain(bcast, std::nullopt));
    const auto u = h.input(plain(mac(1), std::nullopt));
    h.deliver(u, 0);
    h.deliver(bc, 0, path_kind::assisted);
    h.deliver(bc, 1, path_kind::assisted);
    return h.chk().finish(0);
}

TEST(fault, broadcast_vs_unicast_order_depends_on_mode) {
    const verdict c = broadcast_overtaken(ordering_mode::connection);
    EXPECT_TRUE(c.pass) << dump(c);
    const verdict s = broadcast_overtaken(ordering_mode::strict);
    EXPECT_FALSE(s.pass);
    EXPECT_EQ(s.order_violations, 1u) << dump(s);
    EXPECT_TRUE(mentions(s, "frame 0", "'vm0'", "strict")) << dump(s);
}

TEST(fault, broadcasts_reordered_among_themselves) {
    harness h;
    const auto a = h.input(plain(bcast, 20));
    const auto b = h.input(plain(mcast_c, 20)); // multicast: another class, may overtake
    const auto c = h.input(plain(bcast, 20));
    for (std::uint32_t conn : {4u, 5u}) {
        h.deliver(b, conn);
        h.deliver(c, conn);
        h.deliver(a, conn);
    }
    const verdict v = h.chk().finish(0);
    EXPECT_EQ(v.order_violations, 2u) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 0", "'vm4'", "broadcast frame delivered after frame 2"))
        << dump(v);
}

TEST(fault, corrupted_byte) {
    harness h;
    const bytes f = ipv4(mac(3), 10, ip_2);
    const auto i = h.input(f);
    bytes bad = f;
    bad[37] ^= 0x40;
    h.deliver_bytes(i, 2, bad, path_kind::stored);
    const verdict v = h.chk().finish(0);
    EXPECT_FALSE(v.pass);
    EXPECT_EQ(v.byte_mismatches, 1u) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 0", "'vm2'", "byte 37")) << dump(v);
}

TEST(fault, truncated_delivery) {
    harness h;
    const bytes f = plain(mac(4), 10);
    const auto i = h.input(f);
    const bytes shorter(f.begin(), f.end() - 4);
    h.deliver_bytes(i, 3, shorter);
    const verdict v = h.chk().finish(0);
    EXPECT_FALSE(v.pass);
    EXPECT_EQ(v.length_mismatches, 1u) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 0", "'vm3'", "cap_len/orig_len 60/64")) << dump(v);
}

TEST(fault, drop_of_unexpected_copy_and_wrong_reasons) {
    harness h;
    const auto u = h.input(plain(mac(1), std::nullopt));
    h.drop(u, 4, drop_reason::no_resources); // vm4 never was a destination
    h.deliver(u, 0);
    const auto k = h.input(plain(mac(5), 20));
    h.drop(k, std::nullopt, drop_reason::unknown_destination); // but vm4 wants it
    const auto n = h.input(plain(bcast, 30));
    h.drop(n, std::nullopt, drop_reason::unknown_destination); // should be no_member
    const auto r = h.input(plain(mac(9), 30));
    h.drop(r, std::nullopt, drop_reason::no_resources); // nobody's resources were asked
    const verdict v = h.chk().finish(0);
    EXPECT_FALSE(v.pass);
    EXPECT_EQ(v.bad_drops, 4u) << dump(v);
    EXPECT_EQ(v.violations, 4u) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 0", "'vm4'", "not expected")) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 1", "'vm4'", "destination")) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 2", "no_member")) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 3", "no destination")) << dump(v);
}

TEST(fault, buffer_conservation_mismatch) {
    harness h;
    h.chk().check_buffers(64, 62, 1, 32, 32);
    h.chk().check_buffers(64, 64, 0, 32, 31);
    const verdict v = h.chk().finish(0);
    EXPECT_FALSE(v.pass);
    EXPECT_EQ(v.buffer_mismatches, 2u) << dump(v);
    EXPECT_TRUE(mentions(v, "64 normal buffers bound", "62 free + 1 parked")) << dump(v);
    EXPECT_TRUE(mentions(v, "31 of 32 indirect")) << dump(v);
}

TEST(fault, protocol_errors) {
    harness h;
    const auto bc = h.input(plain(bcast, 10));
    h.chk().on_fanout(bc, 3); // the rules say 2
    h.deliver(bc, 2);
    h.deliver(bc, 3);
    core::copy_view ghost;
    ghost.index = 7;
    ghost.conn = 0;
    h.chk().on_delivered(ghost, path_kind::direct);
    const verdict v = h.chk().finish(0);
    EXPECT_EQ(v.protocol_errors, 2u) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 0", "fan-out to 3 copies, expected 2")) << dump(v);
    EXPECT_TRUE(mentions(v, "frame 7", "never input")) << dump(v);
}

TEST(fault, messages_are_capped_but_all_counted) {
    harness h;
    for (int i = 0; i < 50; ++i) {
        const auto f = h.input(plain(mac(1), std::nullopt));
        h.deliver(f, 1);
    }
    const verdict v = h.chk().finish(0);
    EXPECT_EQ(v.messages.size(), checker::max_messages);
    EXPECT_EQ(v.violations, 100u); // 50 misroutes + 50 missing
}

} // namespace
} // namespace evr::check::test
