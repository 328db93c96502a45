// evr_check: the independent checker. It judges the router from the outside, from the
// frame events alone (docs/checker.md): it derives where every input frame must go with its
// own small implementation of the delivery rules of docs/lookup.md (it deliberately does not
// call evr::lookup's parser or connection_table: a bug shared by the model and its checker
// would be invisible), then checks every delivery and drop against that.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "evr/common/frame_table.h"
#include "evr/core/frame_events.h"
#include "evr/lookup/connection_def.h"

namespace evr::check {

// Which order a connection must see its frames in (ARCHITECTURE.md 2.2, rule 4 of
// docs/checker.md).
enum class ordering_mode : std::uint8_t {
    connection, // unicast frames in input order; each special class in order within itself
    strict,     // every frame of a connection in input order, whatever its class
};

// The class a frame falls into for ordering and for the drop reasons it may carry.
enum class traffic_class : std::uint8_t { unicast, broadcast, multicast, arp };
inline constexpr std::size_t traffic_class_count = 4;
const char* to_string(traffic_class c);

struct verdict {
    bool pass = true;
    std::uint64_t violations = 0;      // every violation, also those beyond `messages`
    std::vector<std::string> messages; // the first max_messages, one line each

    std::uint64_t frames_checked = 0;       // input frames seen
    std::uint64_t copies_expected = 0;      // (frame, connection) pairs the rules demand
    std::uint64_t copies_delivered = 0;     // deliveries reported (right or wrong)
    std::uint64_t copies_dropped = 0;       // expected copies resolved by a drop (incl. whole)
    std::uint64_t frames_dropped_whole = 0; // whole-frame drops reported
    std::uint64_t frames_resolved = 0;      // frames whose every expected copy is resolved
    std::uint64_t unresolved = 0;           // frames not fully resolved at finish()
    std::uint64_t parked = 0;               // of those, declared parked by the caller

    // Violations per rule (their sum is `violations`).
    std::uint64_t misrouted = 0;         // delivered to a connection of the frame's VLAN that is
                                         // not a destination (or to no such connection)
    std::uint64_t vlan_crossings = 0;    // delivered to a connection of another VLAN
    std::uint64_t duplicates = 0;        // second resolution of one (frame, connection)
    std::uint64_t length_mismatches = 0; // delivered cap_len/orig_len differ from the input
    std::uint64_t byte_mismatches = 0;   // delivered bytes differ from the input
    std::uint64_t order_violations = 0;  // a connection saw frames out of order
    std::uint64_t bad_drops = 0;         // drop of an unexpected copy or with a wrong reason
    std::uint64_t missing = 0;           // frames unresolved at finish beyond the parked ones
    std::uint64_t protocol_errors = 0;   // events about unknown frames, bad fan-out counts, ...
    std::uint64_t buffer_mismatches = 0; // buffer conservation (check_buffers)
};

nlohmann::json to_json(const verdict& v);

class checker : public core::frame_listener {
public:
    static constexpr std::size_t max_messages = 20;

    checker(std::vector<lookup::connection_def> conns, std::vector<lookup::group_def> groups,
            std::optional<std::uint32_t> default_conn, ordering_mode mode);
    ~checker() override;
    checker(const checker&) = delete;
    checker& operator=(const checker&) = delete;

    void on_input(const core::frame_slot& frame) override;
    void on_fanout(std::uint64_t index, std::uint32_t copies) override;
    void on_delivered(const core::copy_view& copy, core::path_kind path) override;
    void on_dropped(const core::copy_view& copy, core::drop_reason reason) override;

    // The connections a frame must reach by the rules of docs/lookup.md, ascending, and its
    // class. Public so tests (and curious users) can ask the checker's opinion directly.
    traffic_class expected_targets(const std::uint8_t* data, std::uint32_t cap_len,
                                   std::vector<std::uint32_t>& targets) const;

    // Buffer conservation at the end of a run, fed by the caller from the elastic FIFO.
    void check_buffers(std::uint64_t bound_normal, std::uint64_t free_normal,
                       std::uint64_t parked_normal, std::uint64_t indirect_total,
                       std::uint64_t indirect_free);

    // End of run: every frame must be fully resolved except the `parked_frames` the caller
    // declares still in the data store (by count: which ones cannot be told apart).
    verdict finish(std::uint64_t parked_frames);
    // Same, naming the parked frames: each must be unresolved, every other frame resolved.
    verdict finish(const std::vector<std::uint64_t>& parked_indices);

    // (IPv6 address, VLAN) as one key; public only so checker.cpp's helpers can build it.
    using ipv6_key_t = std::array<std::uint8_t, 18>;
    struct ipv6_hash {
        std::size_t operator()(const ipv6_key_t& k) const;
    };

    // Frames currently tracked (memory is bounded by frames in flight, not by run length).
    std::size_t frames_in_flight() const { return m_frames.size() - m_resolved.size(); }

    // Fully resolved frames kept for late events, so that an extra copy arriving after the
    // last legitimate one is still classified exactly (duplicate, misroute, VLAN crossing)
    // instead of only as "too late". Bounded, so memory does not grow with run length.
    static constexpr std::size_t resolved_window = 1024;

private:
    struct frame_rec;
    struct conn_info {
        std::string name;
        std::uint16_t vlan = 0; // 0 = untagged (configured VLANs are 1..4095)
    };
    struct group_info {
        std::vector<std::uint32_t> members;
    };

    enum class copy_state : std::uint8_t { pending, delivered, dropped };

    frame_rec* find(std::uint64_t index, const char* what, std::optional<std::uint32_t> conn);
    void resolve_copy(frame_rec& f, std::size_t slot, copy_state how);
    void release_if_done(frame_rec& f);
    void violation(std::uint64_t& counter, const std::string& message);
    std::string conn_name(std::optional<std::uint32_t> conn) const;
    void report_unresolved(const frame_rec& f);
    verdict snapshot();

    std::vector<conn_info> m_conns;
    std::optional<std::uint32_t> m_default;
    ordering_mode m_mode;

    // The checker's own tables, keyed plainly (see make_*_key in checker.cpp).
    std::unordered_map<std::uint64_t, std::uint32_t> m_l2;           // (MAC, VLAN) -> connection
    std::unordered_map<std::uint64_t, std::uint32_t> m_ipv4;         // (IPv4, VLAN) -> connection
    std::unordered_map<ipv6_key_t, std::uint32_t, ipv6_hash> m_ipv6; // (IPv6, VLAN) -> conn
    std::unordered_map<std::uint16_t, std::vector<std::uint32_t>> m_vlan_members;
    std::unordered_map<std::uint64_t, group_info> m_groups; // (MAC, VLAN or any) -> members

    // Frames in flight, forgotten once fully resolved; records are recycled so the steady
    // state reuses their byte buffers.
    frame_table<std::unique_ptr<frame_rec>> m_frames;
    std::vector<std::unique_ptr<frame_rec>> m_spare;
    std::deque<std::uint64_t> m_resolved; // resolved frames still in m_frames, oldest first
    std::uint64_t m_next_index = 0;       // inputs arrive in index order: below this = seen

    // Per connection, the highest input index delivered so far, per class and overall.
    struct order_state {
        std::array<std::int64_t, traffic_class_count> last_by_class{{-1, -1, -1, -1}};
        std::int64_t last_any = -1;
    };
    std::vector<order_state> m_order;

    verdict m_v;
};

} // namespace evr::check
