#include "evr/check/checker.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace evr::check {

namespace {

// ---- The checker's own header parse ------------------------------------------------------
// Deliberately a separate, plain re-reading of docs/lookup.md section 1 (not
// evr::lookup::parse_headers): only the fields the delivery rules need, bounds-checked at
// every read.

constexpr std::uint16_t ethertype_ipv4 = 0x0800;
constexpr std::uint16_t ethertype_arp = 0x0806;
constexpr std::uint16_t ethertype_ipv6 = 0x86dd;
constexpr unsigned max_tags = 8;
constexpr std::uint64_t broadcast_mac = 0xffffffffffffULL;

std::uint16_t be16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}
bool is_tpid(std::uint16_t t) {
    return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

struct headers {
    bool runt = true;
    std::uint64_t dst = 0;
    std::uint16_t vlan = 0; // outer VID; 0 = untagged or priority-tagged
    bool vlan_unknown = false;
    bool has_ethertype = false;
    std::uint16_t ethertype = 0;
    std::uint32_t l3 = 0; // offset of the byte after the ethertype
};

headers parse(const std::uint8_t* d, std::uint32_t cap) {
    headers h;
    if (cap < 14)
        return h;
    h.runt = false;
    for (int i = 0; i < 6; ++i)
        h.dst = (h.dst << 8) | d[i];
    std::uint32_t off = 12;
    unsigned tags = 0;
    while (off + 2 <= cap) {
        const std::uint16_t t = be16(d + off);
        if (tags < max_tags && is_tpid(t)) {
            if (off + 4 > cap) {
                // A tag whose TCI is cut off: if it is the outer one the VLAN is unknown.
                h.vlan_unknown = tags == 0;
                return h;
            }
            if (tags == 0)
                h.vlan = be16(d + off + 2) & 0x0fff;
            ++tags;
            off += 4;
            continue;
        }
        h.has_ethertype = true;
        h.ethertype = t;
        h.l3 = off + 2;
        break;
    }
    return h;
}

bool unicast_ipv4(std::uint32_t a) {
    return a != 0 && (a >> 28) != 0xe && a != 0xffffffffu;
}

bool unicast_ipv6(const std::uint8_t* a) {
    if (a[0] == 0xff)
        return false;
    for (int i = 0; i < 16; ++i)
        if (a[i] != 0)
            return true;
    return false;
}

// ---- Table keys --------------------------------------------------------------------------
// A MAC is 48 bits and a VLAN key 13 bits (0 = untagged, 1..4095, any_vlan), so both fit one
// 64-bit key without collisions.
constexpr std::uint16_t any_vlan = 4096;
std::uint64_t mac_key(std::uint64_t mac, std::uint16_t vlan) {
    return ((mac & broadcast_mac) << 13) | vlan;
}
std::uint64_t ipv4_key(std::uint32_t ip, std::uint16_t vlan) {
    return (std::uint64_t{vlan} << 32) | ip;
}
} // namespace

std::size_t checker::ipv6_hash::operator()(const ipv6_key_t& k) const {
    std::uint64_t h = 1469598103934665603ULL; // FNV-1a: plain and good enough for a table
    for (std::uint8_t b : k)
        h = (h ^ b) * 1099511628211ULL;
    return static_cast<std::size_t>(h);
}

namespace {

checker::ipv6_key_t ipv6_key(const std::uint8_t* ip, std::uint16_t vlan) {
    checker::ipv6_key_t k{};
    std::memcpy(k.data(), ip, 16);
    k[16] = static_cast<std::uint8_t>(vlan >> 8);
    k[17] = static_cast<std::uint8_t>(vlan & 0xff);
    return k;
}

std::string vlan_text(std::uint16_t vlan) {
    return vlan == 0 ? std::string("untagged") : "VLAN " + std::to_string(vlan);
}

bool is_routing_reason(core::drop_reason r) {
    return r == core::drop_reason::unknown_destination || r == core::drop_reason::no_member;
}

// Reasons that say "the router ran out of something" (or the adapter refused the frame);
// they are legitimate for any frame, whatever its destinations.
bool is_any_frame_reason(core::drop_reason r) {
    switch (r) {
    case core::drop_reason::runt:
    case core::drop_reason::oversize:
    case core::drop_reason::rx_overflow:
    case core::drop_reason::no_buffer:
    case core::drop_reason::parked:
        return true;
    default:
        return false;
    }
}

} // namespace

const char* to_string(traffic_class c) {
    switch (c) {
    case traffic_class::unicast:
        return "unicast";
    case traffic_class::broadcast:
        return "broadcast";
    case traffic_class::multicast:
        return "multicast";
    case traffic_class::arp:
        return "arp";
    }
    return "?";
}

struct checker::frame_rec {
    std::uint64_t index = 0;
    std::uint32_t cap_len = 0;
    std::uint32_t orig_len = 0;
    std::vector<std::uint8_t> bytes; // the input bytes, compared byte for byte on delivery
    traffic_class cls = traffic_class::unicast;
    std::uint16_t vlan = 0;
    bool vlan_unknown = false;
    bool fanout_seen = false;
    std::vector<std::uint32_t> targets; // expected connections, ascending
    std::vector<copy_state> state;      // parallel to targets
    std::size_t pending = 0;
    bool whole_drop = false; // dropped as a whole
    bool resolved = false;   // every expected copy resolved (kept in resolved_window)

    std::size_t slot_of(std::uint32_t conn) const {
        auto it = std::lower_bound(targets.begin(), targets.end(), conn);
        return it != targets.end() && *it == conn ? static_cast<std::size_t>(it - targets.begin())
                                                  : targets.size();
    }
};

checker::checker(std::vector<lookup::connection_def> conns, std::vector<lookup::group_def> groups,
                 std::optional<std::uint32_t> default_conn, ordering_mode mode)
    : m_mode(mode) {
    // The router's connection_table rejects ambiguous tables; the checker only has to be
    // right for valid ones, so on a (never expected) duplicate the first entry wins.
    m_conns.reserve(conns.size());
    for (std::uint32_t i = 0; i < conns.size(); ++i) {
        const auto& c = conns[i];
        const std::uint16_t vlan = c.vlan.value_or(0);
        m_conns.push_back({c.name, vlan});
        m_l2.emplace(mac_key(c.mac, vlan), i);
        for (std::uint32_t ip : c.ipv4)
            m_ipv4.emplace(ipv4_key(ip, vlan), i);
        for (const auto& ip : c.ipv6)
            m_ipv6.emplace(ipv6_key(ip.data(), vlan), i);
        m_vlan_members[vlan].push_back(i); // ascending: i grows
    }
    for (const auto& g : groups) {
        auto& members = m_groups[mac_key(g.mac, g.vlan ? *g.vlan : any_vlan)].members;
        for (std::uint32_t m : g.members)
            if (m < m_conns.size())
                members.push_back(m);
        std::sort(members.begin(), members.end());
        members.erase(std::unique(members.begin(), members.end()), members.end());
    }
    if (default_conn && *default_conn < m_conns.size())
        m_default = default_conn;
    m_order.resize(m_conns.size());
}

checker::~checker() = default;

traffic_class checker::expected_targets(const std::uint8_t* data, std::uint32_t cap_len,
                                        std::vector<std::uint32_t>& targets) const {
    targets.clear();
    const headers h = parse(data, cap_len);
    // Runts and frames whose VLAN cannot be known are never delivered (lookup.md 3, 4.1).
    if (h.runt || h.vlan_unknown)
        return traffic_class::unicast;

    auto vlan_all = [&] {
        auto it = m_vlan_members.find(h.vlan);
        if (it != m_vlan_members.end())
            targets = it->second;
    };

    if (h.dst == broadcast_mac) {
        const bool arp = h.has_ethertype && h.ethertype == ethertype_arp;
        if (!arp) {
            vlan_all();
            return traffic_class::broadcast;
        }
        // A broadcast ARP request for an IPv4 target goes to that target's owner in the
        // VLAN only; anything else goes to the whole VLAN (lookup.md 5).
        const std::uint8_t* a = data + h.l3;
        const bool has_op = h.l3 + 8 <= cap_len;
        const bool has_target = has_op && h.l3 + 28 <= cap_len && be16(a) == 1 &&
                                be16(a + 2) == ethertype_ipv4 && a[4] == 6 && a[5] == 4;
        if (has_op && be16(a + 6) == 1 && has_target) {
            auto it = m_ipv4.find(ipv4_key(be32(a + 24), h.vlan));
            if (it != m_ipv4.end()) {
                targets.push_back(it->second);
                return traffic_class::arp;
            }
        }
        vlan_all();
        return traffic_class::arp;
    }

    if (h.dst & (std::uint64_t{1} << 40)) { // I/G bit of the first octet
        auto it = m_groups.find(mac_key(h.dst, h.vlan));
        if (it == m_groups.end())
            it = m_groups.find(mac_key(h.dst, any_vlan));
        if (it == m_groups.end()) {
            vlan_all(); // no group: flood the VLAN
            return traffic_class::multicast;
        }
        for (std::uint32_t m : it->second.members)
            if (m_conns[m].vlan == h.vlan)
                targets.push_back(m);
        return traffic_class::multicast;
    }

    if (auto it = m_l2.find(mac_key(h.dst, h.vlan)); it != m_l2.end()) {
        targets.push_back(it->second);
        return traffic_class::unicast;
    }
    if (h.has_ethertype && h.ethertype == ethertype_ipv4 && h.l3 + 20 <= cap_len) {
        const std::uint8_t* ip = data + h.l3;
        const std::uint32_t dst = be32(ip + 16);
        if ((ip[0] >> 4) == 4 && (ip[0] & 0x0f) >= 5 && unicast_ipv4(dst)) {
            if (auto it = m_ipv4.find(ipv4_key(dst, h.vlan)); it != m_ipv4.end()) {
                targets.push_back(it->second);
                return traffic_class::unicast;
            }
        }
    }
    if (h.has_ethertype && h.ethertype == ethertype_ipv6 && h.l3 + 40 <= cap_len) {
        const std::uint8_t* ip = data + h.l3;
        if ((ip[0] >> 4) == 6 && unicast_ipv6(ip + 24)) {
            if (auto it = m_ipv6.find(ipv6_key(ip + 24, h.vlan)); it != m_ipv6.end()) {
                targets.push_back(it->second);
                return traffic_class::unicast;
            }
        }
    }
    // Unknown unicast: the default connection, only inside its own VLAN (lookup.md 5).
    if (m_default && m_conns[*m_default].vlan == h.vlan)
        targets.push_back(*m_default);
    return traffic_class::unicast;
}

void checker::on_input(const core::frame_slot& frame) {
    ++m_v.frames_checked;
    if (frame.index != m_next_index)
        violation(m_v.protocol_errors, "frame " + std::to_string(frame.index) +
                                           ": input out of order, expected frame " +
                                           std::to_string(m_next_index));
    if (m_frames.contains(frame.index)) {
        violation(m_v.protocol_errors,
                  "frame " + std::to_string(frame.index) + ": input reported twice");
        return;
    }
    m_next_index = std::max(m_next_index, frame.index + 1);

    std::unique_ptr<frame_rec> rec;
    if (m_spare.empty()) {
        rec = std::make_unique<frame_rec>();
    } else {
        rec = std::move(m_spare.back());
        m_spare.pop_back();
    }
    frame_rec& f = *rec;
    f.index = frame.index;
    f.orig_len = frame.orig_len;
    f.cap_len = frame.cap_len;
    if (frame.bytes.size() < frame.cap_len) {
        violation(m_v.protocol_errors, "frame " + std::to_string(frame.index) + ": cap_len " +
                                           std::to_string(frame.cap_len) + " but only " +
                                           std::to_string(frame.bytes.size()) + " bytes");
        f.cap_len = static_cast<std::uint32_t>(frame.bytes.size());
    }
    f.bytes.assign(frame.bytes.begin(), frame.bytes.begin() + f.cap_len);
    f.cls = expected_targets(f.bytes.data(), f.cap_len, f.targets);
    const headers h = parse(f.bytes.data(), f.cap_len);
    f.vlan = h.vlan;
    f.vlan_unknown = h.vlan_unknown || h.runt;
    f.fanout_seen = false;
    f.whole_drop = false;
    f.resolved = false;
    f.state.assign(f.targets.size(), copy_state::pending);
    f.pending = f.targets.size();
    m_v.copies_expected += f.targets.size();
    m_frames.insert(frame.index, std::move(rec));
}

checker::frame_rec* checker::find(std::uint64_t index, const char* what,
                                  std::optional<std::uint32_t> conn) {
    if (auto* rec = m_frames.find(index))
        return rec->get();
    auto head = [&] { return "frame " + std::to_string(index) + " -> " + conn_name(conn) + ": "; };
    if (index < m_next_index)
        // Resolved so long ago that it left resolved_window: whatever comes now is one
        // resolution too many.
        violation(m_v.duplicates, head() + what + " after the frame was fully resolved");
    else
        violation(m_v.protocol_errors, head() + what + " of a frame never input");
    return nullptr;
}

void checker::on_fanout(std::uint64_t index, std::uint32_t copies) {
    frame_rec* f = find(index, "fan-out", std::nullopt);
    if (!f)
        return;
    // The model's copy count is its own bookkeeping; it must agree with the rules.
    if (f->fanout_seen)
        violation(m_v.protocol_errors,
                  "frame " + std::to_string(index) + ": fan-out reported twice");
    else if (copies != f->targets.size())
        violation(m_v.protocol_errors, "frame " + std::to_string(index) + ": fan-out to " +
                                           std::to_string(copies) + " copies, expected " +
                                           std::to_string(f->targets.size()));
    f->fanout_seen = true;
}

void checker::on_delivered(const core::copy_view& copy, core::path_kind path) {
    ++m_v.copies_delivered;
    frame_rec* f = find(copy.index, "delivery", copy.conn);
    if (!f)
        return;
    // Messages are built only on a violation: this runs for every copy of every frame.
    auto head = [&] {
        return "frame " + std::to_string(copy.index) + " -> " + conn_name(copy.conn) + ": ";
    };
    if (!copy.conn) {
        violation(m_v.protocol_errors, head() + "delivery without a connection");
        return;
    }
    const std::uint32_t conn = *copy.conn;
    if (conn >= m_conns.size()) {
        violation(m_v.misrouted, head() + "delivered to a connection that does not exist");
        return;
    }
    const std::size_t slot = f->slot_of(conn);
    if (slot == f->targets.size()) {
        if (f->vlan_unknown || m_conns[conn].vlan != f->vlan) {
            violation(m_v.vlan_crossings,
                      head() + "delivered across VLANs: frame " +
                          (f->vlan_unknown ? std::string("VLAN unknown") : vlan_text(f->vlan)) +
                          ", connection " + vlan_text(m_conns[conn].vlan));
        } else {
            violation(m_v.misrouted, head() + "misrouted: not a destination of this " +
                                         to_string(f->cls) + " frame");
        }
        return;
    }
    if (f->state[slot] != copy_state::pending) {
        violation(m_v.duplicates, head() + (f->state[slot] == copy_state::delivered
                                                ? "duplicate delivery"
                                                : "delivered after it was dropped"));
        return;
    }

    // Byte-exact: what the VM receives is what came off the wire.
    if (copy.cap_len != f->cap_len || copy.orig_len != f->orig_len) {
        violation(m_v.length_mismatches,
                  head() + "delivered cap_len/orig_len " + std::to_string(copy.cap_len) + "/" +
                      std::to_string(copy.orig_len) + ", input " + std::to_string(f->cap_len) +
                      "/" + std::to_string(f->orig_len) + " (" + core::to_string(path) + " path)");
    } else if (f->cap_len != 0 && !copy.data) {
        violation(m_v.byte_mismatches, head() + "delivered without data");
    } else if (f->cap_len != 0 && std::memcmp(copy.data, f->bytes.data(), f->cap_len) != 0) {
        std::uint32_t at = 0;
        while (copy.data[at] == f->bytes[at])
            ++at;
        std::ostringstream os;
        os << head() << "byte " << at << " is 0x" << std::hex << unsigned{copy.data[at]}
           << ", input 0x" << unsigned{f->bytes[at]} << std::dec << " (" << core::to_string(path)
           << " path)";
        violation(m_v.byte_mismatches, os.str());
    }

    // Per-connection order (claims 3, 6, 7): checked on deliveries only (a drop does not
    // reach the VM, so it cannot be out of order).
    order_state& o = m_order[conn];
    const auto idx = static_cast<std::int64_t>(copy.index);
    std::int64_t& last = m_mode == ordering_mode::strict
                             ? o.last_any
                             : o.last_by_class[static_cast<std::size_t>(f->cls)];
    if (idx < last)
        violation(m_v.order_violations,
                  head() + "out of order: " + to_string(f->cls) + " frame delivered after frame " +
                      std::to_string(last) +
                      (m_mode == ordering_mode::strict ? " (strict)" : " of the same class"));
    last = std::max(last, idx);

    resolve_copy(*f, slot, copy_state::delivered);
    release_if_done(*f);
}

void checker::on_dropped(const core::copy_view& copy, core::drop_reason reason) {
    frame_rec* f = find(copy.index, "drop", copy.conn);
    if (!f)
        return;
    auto head = [&] {
        return "frame " + std::to_string(copy.index) + " -> " + conn_name(copy.conn) +
               ": dropped (" + std::string(core::to_string(reason)) + ") ";
    };

    if (!copy.conn) {
        ++m_v.frames_dropped_whole;
        if (f->resolved) {
            violation(m_v.duplicates, head() + "but the frame was already fully resolved");
            return;
        }
        if (f->pending != f->targets.size()) {
            violation(m_v.duplicates, head() + "but " +
                                          std::to_string(f->targets.size() - f->pending) +
                                          " of its " + std::to_string(f->targets.size()) +
                                          " copies were already resolved");
        } else if (is_routing_reason(reason)) {
            // "Nobody to deliver to" must be true, and name the right kind of nobody.
            const auto want = f->cls == traffic_class::unicast
                                  ? core::drop_reason::unknown_destination
                                  : core::drop_reason::no_member;
            if (!f->targets.empty())
                violation(m_v.bad_drops, head() + "but the " + std::string(to_string(f->cls)) +
                                             " frame has " + std::to_string(f->targets.size()) +
                                             " destination(s), first " +
                                             conn_name(f->targets.front()));
            else if (reason != want)
                violation(m_v.bad_drops, head() + "but a " + std::string(to_string(f->cls)) +
                                             " frame without destinations is dropped " +
                                             std::string(core::to_string(want)));
        } else if (!is_any_frame_reason(reason) && f->targets.empty()) {
            // A resource shortage cannot be the reason to drop a frame nobody wants.
            violation(m_v.bad_drops,
                      head() + "but the frame has no destination (expected " +
                          (f->cls == traffic_class::unicast ? "unknown_destination" : "no_member") +
                          ")");
        }
        f->whole_drop = true;
        for (std::size_t s = 0; s < f->targets.size(); ++s)
            if (f->state[s] == copy_state::pending) {
                resolve_copy(*f, s, copy_state::dropped);
                ++m_v.copies_dropped;
            }
        release_if_done(*f);
        return;
    }

    const std::uint32_t conn = *copy.conn;
    const std::size_t slot = f->slot_of(conn);
    if (slot == f->targets.size()) {
        violation(m_v.bad_drops, head() + "but that copy was not expected");
        return;
    }
    if (f->state[slot] != copy_state::pending) {
        violation(m_v.duplicates,
                  head() + (f->state[slot] == copy_state::delivered ? "after it was delivered"
                                                                    : "twice"));
        return;
    }
    if (is_routing_reason(reason))
        violation(m_v.bad_drops, head() + "but the connection is a destination of the frame");
    ++m_v.copies_dropped;
    resolve_copy(*f, slot, copy_state::dropped);
    release_if_done(*f);
}

void checker::resolve_copy(frame_rec& f, std::size_t slot, copy_state how) {
    f.state[slot] = how;
    --f.pending;
}

void checker::release_if_done(frame_rec& f) {
    // A frame with no destinations is resolved only by its whole-frame drop.
    if (f.resolved || f.pending != 0 || (f.targets.empty() && !f.whole_drop))
        return;
    f.resolved = true;
    ++m_v.frames_resolved;
    m_resolved.push_back(f.index);
    while (m_resolved.size() > resolved_window) {
        auto rec = m_frames.take(m_resolved.front());
        m_resolved.pop_front();
        m_spare.push_back(std::move(*rec));
    }
}

void checker::check_buffers(std::uint64_t bound_normal, std::uint64_t free_normal,
                            std::uint64_t parked_normal, std::uint64_t indirect_total,
                            std::uint64_t indirect_free) {
    if (bound_normal != free_normal + parked_normal)
        violation(m_v.buffer_mismatches, "buffers: " + std::to_string(bound_normal) +
                                             " normal buffers bound, " +
                                             std::to_string(free_normal) + " free + " +
                                             std::to_string(parked_normal) + " parked");
    if (parked_normal == 0 && indirect_free != indirect_total)
        violation(m_v.buffer_mismatches, "buffers: " + std::to_string(indirect_free) + " of " +
                                             std::to_string(indirect_total) +
                                             " indirect buffers free with nothing parked");
}

void checker::report_unresolved(const frame_rec& f) {
    std::string what;
    if (f.targets.empty()) {
        what = "never dropped (no destination)";
    } else {
        std::size_t first = 0;
        while (f.state[first] != copy_state::pending)
            ++first;
        what = "never delivered nor dropped (" + std::to_string(f.pending) + " of " +
               std::to_string(f.targets.size()) + " copies pending)";
        violation(m_v.missing, "frame " + std::to_string(f.index) + " -> " +
                                   conn_name(f.targets[first]) + ": " + what);
        return;
    }
    violation(m_v.missing, "frame " + std::to_string(f.index) + ": " + what);
}

verdict checker::finish(std::uint64_t parked_frames) {
    m_v.unresolved = frames_in_flight();
    m_v.parked = std::min<std::uint64_t>(parked_frames, m_v.unresolved);
    if (m_v.unresolved > parked_frames) {
        // Which unresolved frames are the parked ones cannot be told from a count; name the
        // oldest, the most suspicious.
        std::vector<const frame_rec*> left; // ascending index
        for (std::uint64_t i : m_frames.indices())
            if (const auto& rec = *m_frames.find(i); !rec->resolved)
                left.push_back(rec.get());
        const std::size_t missing = m_v.unresolved - parked_frames;
        for (std::size_t i = 0; i < missing; ++i)
            report_unresolved(*left[i]);
    }
    return snapshot();
}

verdict checker::finish(const std::vector<std::uint64_t>& parked_indices) {
    m_v.unresolved = frames_in_flight();
    std::vector<std::uint64_t> parked = parked_indices;
    std::sort(parked.begin(), parked.end());
    parked.erase(std::unique(parked.begin(), parked.end()), parked.end());
    std::uint64_t parked_found = 0;
    for (std::uint64_t i : parked) {
        const auto* rec = m_frames.find(i);
        if (rec && !(*rec)->resolved)
            ++parked_found;
        else
            violation(m_v.protocol_errors,
                      "frame " + std::to_string(i) + ": declared parked but not in flight");
    }
    m_v.parked = parked_found;
    for (std::uint64_t i : m_frames.indices()) {
        const auto& rec = *m_frames.find(i);
        if (!rec->resolved && !std::binary_search(parked.begin(), parked.end(), i))
            report_unresolved(*rec);
    }
    return snapshot();
}

verdict checker::snapshot() {
    m_v.pass = m_v.violations == 0;
    return m_v;
}

void checker::violation(std::uint64_t& counter, const std::string& message) {
    ++counter;
    ++m_v.violations;
    if (m_v.messages.size() < max_messages)
        m_v.messages.push_back(message);
}

std::string checker::conn_name(std::optional<std::uint32_t> conn) const {
    if (!conn)
        return "(whole frame)";
    if (*conn < m_conns.size())
        return "'" + m_conns[*conn].name + "'";
    return "connection #" + std::to_string(*conn);
}

nlohmann::json to_json(const verdict& v) {
    return nlohmann::json{
        {"pass", v.pass},
        {"violations", v.violations},
        {"messages", v.messages},
        {"frames_checked", v.frames_checked},
        {"copies_expected", v.copies_expected},
        {"copies_delivered", v.copies_delivered},
        {"copies_dropped", v.copies_dropped},
        {"frames_dropped_whole", v.frames_dropped_whole},
        {"frames_resolved", v.frames_resolved},
        {"unresolved", v.unresolved},
        {"parked", v.parked},
        {"by_check",
         {{"misrouted", v.misrouted},
          {"vlan_crossings", v.vlan_crossings},
          {"duplicates", v.duplicates},
          {"length_mismatches", v.length_mismatches},
          {"byte_mismatches", v.byte_mismatches},
          {"order_violations", v.order_violations},
          {"bad_drops", v.bad_drops},
          {"missing", v.missing},
          {"protocol_errors", v.protocol_errors},
          {"buffer_mismatches", v.buffer_mismatches}}},
    };
}

} // namespace evr::check
