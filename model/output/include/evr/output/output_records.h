// The binary records run_recorder hands to its writer thread (write_behind): what the
// files need, in the order the model produced it, formatted only on the writer's side.
#pragma once

#include <cstdint>
#include <cstring>

namespace evr::output::detail {

enum class record_kind : std::uint8_t { delivered = 1, dropped = 2, row = 3 };

// Every record starts with its whole size, so the reader steps over it.
struct record_head {
    std::uint32_t size;
    record_kind kind;
};

// A delivered copy: a record of conn/<name>.pcap. Followed by cap_len bytes.
struct delivered_record {
    std::uint64_t ts_ns;
    std::uint32_t conn;
    std::uint32_t cap_len;
    std::uint32_t orig_len;
};

// A dropped copy with its bytes: dropped.pcap and a dropped.csv row. Followed by cap_len
// bytes.
struct dropped_record {
    std::uint64_t index;
    std::uint64_t cycle;
    std::uint64_t ts_ns;
    std::uint32_t conn; // no_conn: a whole-frame drop, before any connection was known
    std::uint32_t cap_len;
    std::uint32_t orig_len;
    std::uint8_t reason;
    static constexpr std::uint32_t no_conn = 0xffffffff;
};

// What became of one copy, kept in binary until the row is written: a frame stays
// open while any copy waits behind a stalled VM, and the formatted text (about 24
// bytes a copy, with a string's growth slack) made peak memory grow with run length.
struct outcome {
    static constexpr std::uint32_t whole_frame = 0xffffff; // "*": every pending copy
    static constexpr std::uint8_t dropped_flag = 0x80;     // kind: reason, not path
    std::uint32_t conn_kind = 0; // connection (< 2^20, fifo.max_connections) << 8 | kind
    std::uint32_t cycle_lo = 0;  // two halves: 12 bytes a copy, not 16
    std::uint32_t cycle_hi = 0;
};

// A resolved frame: one packets.csv row. Followed by `outcomes` outcome entries.
struct row_record {
    std::uint64_t index;
    std::uint64_t ts_ns;
    std::uint64_t arrival;
    std::uint32_t orig_len;
    std::uint32_t cap_len;
    std::uint32_t copies;
    std::uint32_t delivered;
    std::uint32_t outcomes;
};

constexpr std::size_t head_bytes = sizeof(record_head);

template <typename Body>
constexpr std::size_t record_bytes(std::size_t tail) {
    return head_bytes + sizeof(Body) + tail;
}

// Writes head and body at `at`; returns where the tail goes.
template <typename Body>
std::uint8_t* put_record(std::uint8_t* at, record_kind kind, const Body& body, std::size_t tail) {
    const record_head h{static_cast<std::uint32_t>(record_bytes<Body>(tail)), kind};
    std::memcpy(at, &h, sizeof h);
    std::memcpy(at + head_bytes, &body, sizeof body);
    return at + head_bytes + sizeof body;
}

} // namespace evr::output::detail
