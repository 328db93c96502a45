// libFuzzer target: raw frame bytes in, classification out. The router's parse
// (evr::lookup::parse_headers), fast lookup (resolve) and fan-out are compared with the
// independent checker's expected_targets, a second implementation of the same rules
// (docs/checker.md): any disagreement, any read outside the frame, or a target outside the
// frame's VLAN aborts.
//
// Input layout: byte 0 steers, the rest is the frame. When bit 7 of byte 0 is set, the
// frame's destination MAC is replaced by one the table knows (low bits pick which), so the
// fuzzer reaches the configured-connection paths without having to guess 48-bit keys
// behind a hash lookup. Byte 0 clear: the bytes are used as they are.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include <systemc>

#include "evr/check/checker.h"
#include "evr/lookup/connection_table.h"
#include "evr/lookup/parsed_frame.h"

namespace {

using evr::lookup::connection_def;
using evr::lookup::group_def;

constexpr std::uint64_t mac(std::uint8_t last) {
    return 0x020000000000ULL | last;
}
constexpr std::uint64_t mcast_a = 0x01005e000001ULL;
constexpr std::uint64_t mcast_b = 0x01005e000002ULL;
constexpr std::uint64_t mcast_c = 0x333300000001ULL; // no group: floods

// Several VLANs, one MAC owned in three of them, IPv4/IPv6 owners for the L2-miss and ARP
// rules, groups with and without a VLAN, and a default connection.
std::vector<connection_def> conns() {
    const std::array<std::uint8_t, 16> ip6{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3};
    std::vector<connection_def> c(8);
    c[0] = {"vm0", mac(1), std::nullopt, {0x0a000001}, {}};
    c[1] = {"vm1", mac(2), std::nullopt, {0x0a000002}, {}};
    c[2] = {"vm2", mac(3), 10, {0x0a000001}, {}};
    c[3] = {"vm3", mac(4), 10, {}, {ip6}};
    c[4] = {"vm4", mac(5), 20, {}, {}};
    c[5] = {"vm5", mac(1), 20, {0x0a000005}, {ip6}};
    c[6] = {"vm6", mac(1), 4095, {}, {}};
    c[7] = {"vm7", mac(6), 1, {0x0a000007}, {}};
    return c;
}

std::vector<group_def> groups() {
    return {{mcast_a, std::nullopt, {4, 0, 2, 0}},
            {mcast_a, 10, {3}},
            {mcast_b, std::nullopt, {4}},
            {mcast_b, 1, {}}};
}

constexpr std::array<std::uint64_t, 9> steer_macs{
    mac(1), mac(2), mac(3), mac(5), mcast_c, mac(6), 0xffffffffffffULL, mcast_a, mcast_b};

struct fixture {
    evr::lookup::connection_table table{conns(), groups(), 1};
    evr::check::checker checker{conns(), groups(), 1, evr::check::ordering_mode::connection};
    std::vector<std::uint32_t> mine, theirs;
};

fixture& fx() {
    static fixture f;
    return f;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::uint8_t steer = data[0];
    const auto len = static_cast<std::uint32_t>(std::min<std::size_t>(size - 1, 1u << 16));
    // An exact-size heap copy: ASan flags any read past cap_len by either implementation.
    const std::unique_ptr<std::uint8_t[]> frame(new std::uint8_t[len ? len : 1]);
    if (len)
        std::memcpy(frame.get(), data + 1, len);
    if (steer & 0x80) {
        const std::uint64_t m = steer_macs[steer % steer_macs.size()];
        for (std::uint32_t i = 0; i < 6 && i < len; ++i)
            frame[i] = static_cast<std::uint8_t>(m >> (8 * (5 - i)));
    }

    fixture& f = fx();
    const evr::lookup::parsed_frame pf = evr::lookup::parse_headers(frame.get(), len);
    const evr::lookup::fast_result r = f.table.resolve(pf);
    f.table.fan_out(pf, r, f.theirs);
    const evr::check::traffic_class cls = f.checker.expected_targets(frame.get(), len, f.mine);

    if (f.mine != f.theirs)
        std::abort(); // the model and the checker disagree on the destinations
    if (!std::is_sorted(f.theirs.begin(), f.theirs.end()) ||
        std::adjacent_find(f.theirs.begin(), f.theirs.end()) != f.theirs.end())
        std::abort();
    if (r.kind == evr::lookup::frame_class::known &&
        (r.connection >= f.table.size() || f.theirs != std::vector<std::uint32_t>{r.connection}))
        std::abort();
    const bool special = r.kind == evr::lookup::frame_class::broadcast ||
                         r.kind == evr::lookup::frame_class::multicast ||
                         r.kind == evr::lookup::frame_class::arp;
    if (special && std::strcmp(evr::check::to_string(cls), evr::lookup::to_string(r.kind)) != 0)
        std::abort();
    // VLAN isolation: a frame whose VLAN is unknown reaches nobody; any other only
    // connections of its own VLAN (VID 0 = untagged).
    for (const std::uint32_t t : f.theirs) {
        if (pf.runt || pf.vlan_unknown)
            std::abort();
        if (f.table.connection(t).vlan != pf.vlan)
            std::abort();
    }
    return 0;
}

// Debian's libsystemc (linked through the checker's evr_core) defines main() and refers
// to sc_main; libFuzzer or the replay driver supplies the real main, so this never runs.
int sc_main(int, char**) {
    return 0;
}
