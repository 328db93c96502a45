// Unit tests of the built-in workload: determinism, mix, pacing, frame structure, topology,
// stalls and parameter checks. Frames are checked with the independent parser in
// frame_parser.cpp, not with the model's own builder.
#include <cmath>
#include <functional>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include "evr/workload/builtin_workload.h"
#include "frame_parser.h"

using namespace evr::workload;
using evr::workload::test::parse_frame;
using evr::workload::test::parsed_frame;

namespace {

constexpr uint64_t bcast_mac = 0xffffffffffffULL;

// FNV-1a over timestamps, lengths and bytes of a whole stream.
uint64_t stream_hash(builtin_workload& w) {
    uint64_t h = 1469598103934665603ULL;
    auto mix = [&h](uint64_t b) {
        h ^= b;
        h *= 1099511628211ULL;
    };
    frame f;
    while (w.next(f)) {
        mix(f.ts_ns);
        mix(f.cap_len);
        for (uint32_t i = 0; i < f.cap_len; ++i) {
            mix(f.data[i]);
        }
    }
    return h;
}

std::vector<stall_episode> all_stalls(const builtin_workload& w) {
    std::vector<stall_episode> v;
    stall_generator g = w.stalls();
    for (stall_episode e; g.next(e);) {
        v.push_back(e);
    }
    return v;
}

// FNV-1a over (vm, start, duration) of every episode, in order.
uint64_t stall_hash(const builtin_workload& w) {
    uint64_t h = 1469598103934665603ULL;
    for (const stall_episode& e : all_stalls(w)) {
        for (uint64_t v : {uint64_t{e.vm}, e.start_ns, e.duration_ns}) {
            h ^= v;
            h *= 1099511628211ULL;
        }
    }
    return h;
}

workload_params small(uint64_t frames) {
    workload_params p;
    p.frames = frames;
    return p;
}

// |observed - expected| within 5 standard deviations of a binomial proportion.
void expect_fraction(uint64_t count, uint64_t n, double p, const char* what) {
    const double sigma = std::sqrt(p * (1 - p) / static_cast<double>(n));
    EXPECT_NEAR(static_cast<double>(count) / static_cast<double>(n), p, 5 * sigma + 1e-12) << what;
}

uint32_t vlan_index_of_ip(uint32_t ip) {
    return (ip >> 16) & 0xff;
}

} // namespace

TEST(workload, same_seed_gives_identical_streams) {
    builtin_workload a(small(20000)), b(small(20000));
    frame fa, fb;
    uint64_t n = 0;
    while (a.next(fa)) {
        ASSERT_TRUE(b.next(fb));
        ASSERT_EQ(fa.index, fb.index);
        ASSERT_EQ(fa.ts_ns, fb.ts_ns);
        ASSERT_EQ(fa.cap_len, fb.cap_len);
        ASSERT_EQ(std::vector<uint8_t>(fa.data, fa.data + fa.cap_len),
                  std::vector<uint8_t>(fb.data, fb.data + fb.cap_len))
            << "frame " << fa.index;
        ++n;
    }
    EXPECT_FALSE(b.next(fb));
    EXPECT_EQ(n, 20000u);
    EXPECT_EQ(a.duration_ns(), b.duration_ns());
    ASSERT_EQ(a.groups().size(), b.groups().size());
    for (size_t g = 0; g < a.groups().size(); ++g) {
        EXPECT_EQ(a.groups()[g].members, b.groups()[g].members);
    }
    const auto sa = all_stalls(a), sb = all_stalls(b);
    ASSERT_EQ(sa.size(), sb.size());
    for (size_t i = 0; i < sa.size(); ++i) {
        EXPECT_EQ(sa[i].start_ns, sb[i].start_ns);
        EXPECT_EQ(sa[i].duration_ns, sb[i].duration_ns);
    }
}

TEST(workload, different_seeds_differ) {
    workload_params p = small(2000);
    builtin_workload a(p);
    p.seed = 2;
    builtin_workload b(p);
    EXPECT_NE(stream_hash(a), stream_hash(b));
    EXPECT_NE(a.duration_ns(), b.duration_ns());
    // Long enough that both seeds surely have stalls (0.7 ms may hold none).
    workload_params q = small(200000);
    builtin_workload c(q);
    q.seed = 2;
    builtin_workload d(q);
    const auto sc = all_stalls(c), sd = all_stalls(d);
    ASSERT_FALSE(sc.empty());
    ASSERT_FALSE(sd.empty());
    const bool stalls_differ = sc.size() != sd.size() || sc.front().start_ns != sd.front().start_ns;
    EXPECT_TRUE(stalls_differ);
}

// Pins the generator: the distributions are hand-written so this value must be the same on
// every platform and standard library. Change it only with a deliberate generator change.
TEST(workload, golden_stream_hash) {
    builtin_workload w(small(1000));
    EXPECT_EQ(stream_hash(w), 11603722987320098057ULL);
}

TEST(workload, vm_table) {
    builtin_workload w(small(10));
    const auto& vms = w.vms();
    ASSERT_EQ(vms.size(), 64u);
    EXPECT_EQ(vms[0].name, "vm00");
    EXPECT_EQ(vms[7].name, "vm07");
    EXPECT_EQ(vms[63].name, "vm63");
    EXPECT_EQ(vms[0].mac, 0x020000000000ULL);
    EXPECT_EQ(vms[63].mac, 0x02000000003fULL);
    std::set<uint64_t> macs;
    std::set<uint32_t> ips;
    for (size_t i = 0; i < vms.size(); ++i) {
        ASSERT_TRUE(vms[i].vlan.has_value());
        EXPECT_EQ(*vms[i].vlan, 100 + i % 4);
        EXPECT_EQ(vms[i].mac >> 40 & 0x3, 0x2u) << "locally administered unicast";
        EXPECT_EQ(vms[i].ipv4 >> 24, 10u);
        EXPECT_EQ(vlan_index_of_ip(vms[i].ipv4), i % 4);
        macs.insert(vms[i].mac);
        ips.insert(vms[i].ipv4);
    }
    EXPECT_EQ(macs.size(), 64u);
    EXPECT_EQ(ips.size(), 64u);

    for (auto [n, first, last] :
         {std::tuple{1u, "vm0", "vm0"}, std::tuple{10u, "vm0", "vm9"},
          std::tuple{11u, "vm00", "vm10"}, std::tuple{101u, "vm000", "vm100"}}) {
        workload_params p = small(1);
        p.vms = n;
        p.vlans = 1;
        p.multicast_groups = n > 1 ? 1 : 0;
        p.multicast_fraction = n > 1 ? 0.03 : 0;
        p.stalling_vms = 0;
        builtin_workload v(p);
        EXPECT_EQ(v.vms().front().name, first);
        EXPECT_EQ(v.vms().back().name, last);
    }
}

TEST(workload, groups_are_valid) {
    workload_params p = small(1);
    p.multicast_groups = 40;
    builtin_workload w(p);
    ASSERT_EQ(w.groups().size(), 40u);
    std::set<uint64_t> macs;
    std::set<uint16_t> vlans;
    for (const group_def& g : w.groups()) {
        ASSERT_TRUE(g.vlan.has_value());
        vlans.insert(*g.vlan);
        EXPECT_GE(g.members.size(), 2u);
        EXPECT_TRUE(std::is_sorted(g.members.begin(), g.members.end()));
        EXPECT_EQ(std::set<uint32_t>(g.members.begin(), g.members.end()).size(), g.members.size());
        for (uint32_t m : g.members) {
            ASSERT_LT(m, w.vms().size());
            EXPECT_EQ(w.vms()[m].vlan, g.vlan);
        }
        EXPECT_EQ(g.ipv4 >> 24, 239u);
        EXPECT_EQ(g.mac, 0x01005e000000ULL | (g.ipv4 & 0x7fffff));
        macs.insert(g.mac);
    }
    EXPECT_EQ(macs.size(), 40u);
    EXPECT_EQ(vlans.size(), 4u) << "groups spread over the VLANs";

    // Only the VLANs with 2 or more VMs can hold a group: 5 VMs on 4 VLANs -> VLAN 100 only.
    p.vms = 5;
    p.stalling_vms = 1;
    builtin_workload few(p);
    for (const group_def& g : few.groups()) {
        EXPECT_EQ(*g.vlan, 100);
        EXPECT_EQ(g.members, (std::vector<uint32_t>{0, 4}));
    }
}

// Parses 10^5 frames and checks structure, addressing by kind, and the mix.
TEST(workload, frames_mix_and_structure) {
    workload_params p = small(100000);
    p.broadcast_fraction = 0.05;
    p.multicast_fraction = 0.06;
    p.arp_fraction = 0.04;
    p.unknown_fraction = 0.03;
    builtin_workload w(p);
    std::map<uint64_t, uint32_t> vm_by_mac;
    for (uint32_t i = 0; i < w.vms().size(); ++i) {
        vm_by_mac[w.vms()[i].mac] = i;
    }
    std::map<uint64_t, const group_def*> group_by_mac;
    for (const group_def& g : w.groups()) {
        group_by_mac[g.mac] = &g;
    }
    std::map<uint32_t, uint32_t> vm_by_ip;
    for (uint32_t i = 0; i < w.vms().size(); ++i) {
        vm_by_ip[w.vms()[i].ipv4] = i;
    }

    std::map<frame_kind, uint64_t> kinds;
    std::map<uint32_t, uint64_t> sizes; // of UDP frames
    uint64_t arp_same = 0, arp_cross = 0, arp_none = 0;
    std::vector<uint64_t> per_vm(w.vms().size());
    frame f;
    while (w.next(f)) {
        const parsed_frame pf = parse_frame(f.data, f.cap_len);
        ASSERT_EQ(pf.error, "") << "frame " << f.index;
        ASSERT_EQ(f.orig_len, f.cap_len);
        ASSERT_TRUE(pf.tagged);
        ASSERT_GE(pf.vlan, 100);
        ASSERT_LT(pf.vlan, 104);
        ASSERT_TRUE(pf.marker_ok) << "frame " << f.index;
        ASSERT_EQ(pf.marker_index, f.index);
        ASSERT_EQ(pf.marker_kind, static_cast<int>(f.kind));
        ++kinds[f.kind];
        const uint32_t vidx = pf.vlan - 100u;
        // Sources are the remote stations of the frame's own VLAN.
        ASSERT_EQ(pf.src_mac >> 16, 0x02000001ULL);
        ASSERT_EQ((pf.src_mac >> 8) & 0xff, vidx);
        if (f.kind == frame_kind::arp) {
            ASSERT_EQ(pf.ethertype, 0x0806);
            ASSERT_EQ(f.cap_len, 60u);
            ASSERT_EQ(pf.dst_mac, bcast_mac);
            ASSERT_EQ(pf.arp_op, 1);
            ASSERT_EQ(pf.arp_sha, pf.src_mac);
            ASSERT_EQ(vlan_index_of_ip(pf.arp_spa), vidx);
            const auto it = vm_by_ip.find(pf.arp_tpa);
            if (it == vm_by_ip.end()) {
                ++arp_none;
            } else if (*w.vms()[it->second].vlan == pf.vlan) {
                ++arp_same;
            } else {
                ++arp_cross;
            }
            continue;
        }
        ASSERT_EQ(pf.ethertype, 0x0800);
        ASSERT_TRUE(pf.ip_checksum_ok) << "frame " << f.index;
        ASSERT_TRUE(pf.udp_checksum_ok) << "frame " << f.index;
        ++sizes[f.cap_len];
        switch (f.kind) {
        case frame_kind::unicast: {
            const auto it = vm_by_mac.find(pf.dst_mac);
            ASSERT_NE(it, vm_by_mac.end());
            ASSERT_EQ(*w.vms()[it->second].vlan, pf.vlan);
            ASSERT_EQ(w.vms()[it->second].ipv4, pf.ip_dst);
            ++per_vm[it->second];
            break;
        }
        case frame_kind::broadcast:
            ASSERT_EQ(pf.dst_mac, bcast_mac);
            ASSERT_EQ(pf.ip_dst, 0xffffffffU);
            break;
        case frame_kind::multicast: {
            const auto it = group_by_mac.find(pf.dst_mac);
            ASSERT_NE(it, group_by_mac.end());
            ASSERT_EQ(*it->second->vlan, pf.vlan);
            ASSERT_EQ(it->second->ipv4, pf.ip_dst);
            ASSERT_EQ(pf.ip_dst >> 28, 0xeu);
            break;
        }
        case frame_kind::unknown:
            ASSERT_EQ(vm_by_mac.count(pf.dst_mac), 0u);
            ASSERT_EQ(pf.dst_mac >> 40 & 1, 0u) << "unicast";
            ASSERT_EQ(vm_by_ip.count(pf.ip_dst), 0u);
            break;
        default:
            FAIL();
        }
    }
    const uint64_t n = 100000;
    expect_fraction(kinds[frame_kind::broadcast], n, 0.05, "broadcast");
    expect_fraction(kinds[frame_kind::multicast], n, 0.06, "multicast");
    expect_fraction(kinds[frame_kind::arp], n, 0.04, "arp");
    expect_fraction(kinds[frame_kind::unknown], n, 0.03, "unknown");
    expect_fraction(kinds[frame_kind::unicast], n, 0.82, "unicast");

    const uint64_t udp = n - kinds[frame_kind::arp];
    EXPECT_EQ(sizes.size(), 3u);
    expect_fraction(sizes[60], udp, 7.0 / 12, "imix 60");
    expect_fraction(sizes[590], udp, 4.0 / 12, "imix 590");
    expect_fraction(sizes[1514], udp, 1.0 / 12, "imix 1514");

    const uint64_t arps = kinds[frame_kind::arp];
    expect_fraction(arp_same, arps, 0.8, "ARP same VLAN");
    expect_fraction(arp_cross, arps, 0.1, "ARP other VLAN");
    expect_fraction(arp_none, arps, 0.1, "ARP nobody");

    // Uniform unicast destinations: every VM gets its share.
    const uint64_t uni = kinds[frame_kind::unicast];
    for (uint64_t c : per_vm) {
        expect_fraction(c, uni, 1.0 / 64, "unicast destination");
    }
}

TEST(workload, rate_matches_load) {
    for (const char* size : {"imix", "60", "1514", "9216"}) {
        workload_params p = small(30000);
        p.frame_bytes = size;
        p.load = 0.73;
        builtin_workload w(p);
        frame f;
        double bits = 0;
        uint64_t last = 0;
        bool first = true;
        while (w.next(f)) {
            if (first) {
                EXPECT_EQ(f.ts_ns, 0u);
                first = false;
            }
            ASSERT_GE(f.ts_ns, last);
            last = f.ts_ns;
            bits += 8.0 * (f.cap_len + 4 + 8 + 12);
        }
        EXPECT_LT(last, w.duration_ns());
        const double rate = bits / static_cast<double>(w.duration_ns());
        EXPECT_NEAR(rate / (10 * 0.73), 1.0, 1e-3) << size;
        EXPECT_NEAR(rate / (10 * 0.73), 1.0, 1e-6) << size << ": carry keeps it exact";
    }
}

TEST(workload, fixed_size_timestamps_are_rounded_exact_times) {
    workload_params p = small(5000);
    p.frame_bytes = "1514";
    p.arp_fraction = 0; // ARP frames are always 60 bytes
    builtin_workload w(p);
    const double gap = 1538.0 * 8 / 9.0; // 1366.2 ns at 9 Gb/s
    frame f;
    while (w.next(f)) {
        ASSERT_EQ(f.cap_len, 1514u);
        ASSERT_EQ(f.ts_ns, static_cast<uint64_t>(std::floor(gap * f.index + 0.5)))
            << "frame " << f.index;
    }
    EXPECT_EQ(w.duration_ns(), static_cast<uint64_t>(std::floor(gap * 5000 + 0.5)));
}

TEST(workload, smallest_and_largest_frames) {
    for (uint32_t size : {60u, 61u, 62u, 9216u}) {
        workload_params p = small(3000);
        p.frame_bytes = std::to_string(size);
        builtin_workload w(p);
        frame f;
        while (w.next(f)) {
            const parsed_frame pf = parse_frame(f.data, f.cap_len);
            ASSERT_EQ(pf.error, "");
            ASSERT_TRUE(pf.marker_ok);
            ASSERT_EQ(pf.marker_index, f.index);
            if (f.kind != frame_kind::arp) {
                ASSERT_EQ(f.cap_len, size);
                ASSERT_TRUE(pf.ip_checksum_ok && pf.udp_checksum_ok);
            }
        }
    }
}

TEST(workload, streaming_reuses_one_buffer) {
    builtin_workload w(small(1000));
    frame f;
    ASSERT_TRUE(w.next(f));
    const uint8_t* buf = f.data;
    while (w.next(f)) {
        ASSERT_EQ(f.data, buf);
    }
    EXPECT_FALSE(w.next(f));
    EXPECT_EQ(w.frames_generated(), 1000u);
}

TEST(workload, stalls_sorted_non_overlapping_and_clipped) {
    builtin_workload w(small(200000));
    const auto s = all_stalls(w);
    ASSERT_FALSE(s.empty());
    std::map<uint32_t, uint64_t> end_of; // last episode end per VM
    std::set<uint16_t> vlans;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i > 0) {
            ASSERT_LE(s[i - 1].start_ns, s[i].start_ns);
        }
        ASSERT_LT(s[i].vm, 4u);
        vlans.insert(*w.vms()[s[i].vm].vlan);
        EXPECT_GE(s[i].start_ns, 50000u) << "warm-up";
        EXPECT_LT(s[i].start_ns, w.duration_ns());
        EXPECT_GE(s[i].duration_ns, 75000u);
        EXPECT_LE(s[i].duration_ns, 1200000u);
        const auto it = end_of.find(s[i].vm);
        if (it != end_of.end()) {
            ASSERT_LT(it->second, s[i].start_ns) << "episodes of vm " << s[i].vm << " overlap";
        }
        end_of[s[i].vm] = s[i].start_ns + s[i].duration_ns;
    }
    EXPECT_EQ(end_of.size(), 4u) << "every stalling VM stalls at least once";
    EXPECT_EQ(vlans.size(), 4u) << "stalling VMs spread over the VLANs";
    // ~68 ms of traffic, an episode every ~1.2 ms per VM.
    EXPECT_GT(s.size(), 4u * 20);
    EXPECT_LT(s.size(), 4u * 120);

    workload_params none = small(1000);
    none.stalling_vms = 0;
    EXPECT_TRUE(all_stalls(builtin_workload(none)).empty());
}

// Pins the stall schedule: drawn lazily, VM by VM, it must equal the schedule the eager
// generator drew (every VM's episodes, then sorted by start and VM), whose hash this is.
TEST(workload, golden_stall_hash) {
    workload_params p = small(200000);
    p.stalling_vms = 9;
    p.stall_us = 40;
    EXPECT_EQ(stall_hash(builtin_workload(p)), 2159595488247464576ULL);
}

TEST(workload, bad_params_name_the_key) {
    using mut = std::function<void(workload_params&)>;
    const std::vector<std::pair<mut, std::string>> cases = {
        {[](workload_params& p) { p.vms = 0; }, "workload.vms"},
        {[](workload_params& p) { p.vms = 40000; }, "workload.vms"},
        {[](workload_params& p) { p.vlans = 0; }, "workload.vlans"},
        {[](workload_params& p) { p.vlans = 65; }, "workload.vlans"},
        {[](workload_params& p) { p.multicast_groups = 5000; }, "workload.multicast_groups"},
        {[](workload_params& p) { p.vms = 4; }, "workload.multicast_groups"},
        {[](workload_params& p) { p.stalling_vms = 65; }, "workload.stalling_vms"},
        {[](workload_params& p) { p.frames = 0; }, "workload.frames"},
        {[](workload_params& p) { p.load = 0; }, "workload.load"},
        {[](workload_params& p) { p.load = 1.5; }, "workload.load"},
        {[](workload_params& p) { p.load = std::nan(""); }, "workload.load"},
        {[](workload_params& p) { p.load = 1e-12; }, "workload.load"},
        {[](workload_params& p) { p.broadcast_fraction = -0.1; }, "workload.broadcast_fraction"},
        {[](workload_params& p) { p.multicast_fraction = 2; }, "workload.multicast_fraction"},
        {[](workload_params& p) { p.arp_fraction = std::nan(""); }, "workload.arp_fraction"},
        {[](workload_params& p) { p.unknown_fraction = 1.01; }, "workload.unknown_fraction"},
        {[](workload_params& p) { p.broadcast_fraction = p.unknown_fraction = 0.6; },
         "workload.broadcast_fraction"},
        {[](workload_params& p) { p.multicast_groups = 0; }, "workload.multicast_fraction"},
        {[](workload_params& p) { p.frame_bytes = "59"; }, "workload.frame_bytes"},
        {[](workload_params& p) { p.frame_bytes = "9217"; }, "workload.frame_bytes"},
        {[](workload_params& p) { p.frame_bytes = "IMIX"; }, "workload.frame_bytes"},
        {[](workload_params& p) { p.frame_bytes = ""; }, "workload.frame_bytes"},
        {[](workload_params& p) { p.frame_bytes = "1e3"; }, "workload.frame_bytes"},
        {[](workload_params& p) { p.stall_us = 0; }, "workload.stall_us"},
        {[](workload_params& p) { p.stall_us = INFINITY; }, "workload.stall_us"},
        {[](workload_params& p) { p.line_rate_gbps = -1; }, "workload.line_rate_gbps"},
        {[](workload_params& p) { p.fcs_bytes = 5000; }, "workload.fcs_bytes"},
    };
    for (const auto& [mutate, key] : cases) {
        workload_params p;
        mutate(p);
        try {
            builtin_workload w(p);
            ADD_FAILURE() << "no error for " << key;
        } catch (const std::invalid_argument& e) {
            const std::string msg = e.what();
            EXPECT_EQ(msg.rfind(key + ":", 0), 0u) << msg;
            EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        }
    }
    // Edge values that are fine.
    workload_params ok;
    ok.frames = 1;
    ok.load = 1;
    ok.broadcast_fraction = 1;
    ok.multicast_fraction = ok.arp_fraction = ok.unknown_fraction = 0;
    ok.multicast_groups = 0;
    EXPECT_NO_THROW(builtin_workload{ok});
}
