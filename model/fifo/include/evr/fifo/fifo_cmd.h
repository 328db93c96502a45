// The elastic FIFO command/response record (docs/elastic_fifo.md), shared by every back
// end: the TLM reference, the RTL bridge and the lockstep comparer. It is a plain,
// trivially copyable struct so a TLM payload can carry it by pointer and the lockstep
// comparer can copy it for the second back end.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>

#include "evr/fifo/fifo_params.h"

namespace evr {

enum class fifo_op : uint8_t {
    alloc,
    enqueue,
    dequeue,
    release,
    link,
    add_free,
    remove_free,
    pick,
    mask,
    status,
};
inline constexpr unsigned fifo_op_count = 10;

enum class fifo_result : uint8_t { ok, empty, error };

// Why a command was a protocol error (docs/elastic_fifo.md, "Protocol errors"). A code
// rather than a text keeps the record trivially copyable and lets the RTL bridge report
// the same reason from its assertion outputs.
enum class fifo_error : uint8_t {
    none,
    bad_op,                  // op is not a fifo_op
    queue_out_of_range,      // queue >= number of queues
    queue_is_free_pool,      // ENQUEUE/DEQUEUE/LINK on a free pool
    class_out_of_range,      // ALLOC/ADD_FREE/REMOVE_FREE class >= Classes
    connection_out_of_range, // MASK connection >= Connections
    buffer_out_of_range,     // buffer >= Descriptors + Indirect
    buffer_is_spare,         // the buffer is bound to no SRAM
    buffer_is_free,          // the buffer is on its free pool
    buffer_is_queued,        // the buffer is on a special or numbered queue
    buffer_is_linked,        // normal buffer alive only through indirect buffers
    buffer_not_normal,       // LINK target is an indirect buffer
};

// Which special queue (named queue 501 that is not a free pool).
enum class fifo_special : uint8_t { broadcast, multicast, arp, unknown };
inline constexpr uint32_t fifo_special_count = 4;

// Latency of a command in cycles (docs/elastic_fifo.md, cycle table). Fixed per op so
// the TLM reference and the RTL agree by construction; the RTL bridge uses it too.
constexpr unsigned latency(fifo_op op) {
    switch (op) {
    case fifo_op::alloc:
    case fifo_op::enqueue:
    case fifo_op::add_free:
    case fifo_op::remove_free:
        return 2;
    case fifo_op::dequeue:
    case fifo_op::release:
    case fifo_op::link:
        return 3;
    case fifo_op::pick:
    case fifo_op::mask:
    case fifo_op::status:
        return 1;
    }
    return 1; // not a fifo_op: rejected with bad_op, costs one cycle
}

constexpr bool is_valid(fifo_op op) {
    return static_cast<unsigned>(op) < fifo_op_count;
}

// The response. Execution first resets it to this default, so fields a command does
// not produce are zero and two back ends can be compared with ==.
struct fifo_rsp {
    fifo_result result = fifo_result::ok;
    fifo_error error = fifo_error::none;
    bool is_indirect = false; // DEQUEUE: the dequeued buffer is an indirect buffer
    bool freed = false;       // RELEASE: a normal buffer went back to its pool
    uint32_t buffer = 0;      // ALLOC, DEQUEUE, LINK (the indirect), ADD_FREE, REMOVE_FREE
    uint32_t normal = 0;      // DEQUEUE: the normal buffer holding the data; RELEASE: released
    uint32_t len = 0;         // DEQUEUE
    uint32_t tag = 0;         // DEQUEUE
    uint32_t use = 0;         // DEQUEUE: use count of `normal`
    uint32_t addr = 0;        // ALLOC, DEQUEUE, REMOVE_FREE: SRAM address of the buffer
    uint32_t connection = 0;  // PICK
    uint32_t count = 0;       // STATUS
    uint32_t high_water = 0;  // STATUS

    friend bool operator==(const fifo_rsp& a, const fifo_rsp& b) {
        return a.result == b.result && a.error == b.error && a.is_indirect == b.is_indirect &&
               a.freed == b.freed && a.buffer == b.buffer && a.normal == b.normal &&
               a.len == b.len && a.tag == b.tag && a.use == b.use && a.addr == b.addr &&
               a.connection == b.connection && a.count == b.count && a.high_water == b.high_water;
    }
    friend bool operator!=(const fifo_rsp& a, const fifo_rsp& b) { return !(a == b); }
};

// One command: operands set by the caller, `rsp` filled by the back end. Only the
// operands an op uses matter; the others are ignored.
struct fifo_cmd {
    fifo_op op = fifo_op::status;
    bool masked = false;     // MASK
    uint32_t queue = 0;      // ENQUEUE, DEQUEUE, LINK, STATUS
    uint32_t buffer = 0;     // ENQUEUE, RELEASE, LINK (the normal buffer)
    uint32_t cls = 0;        // ALLOC, ADD_FREE, REMOVE_FREE (size class)
    uint32_t len = 0;        // ENQUEUE
    uint32_t tag = 0;        // ENQUEUE
    uint32_t addr = 0;       // ADD_FREE (SRAM address)
    uint32_t connection = 0; // MASK
    fifo_rsp rsp;

    static fifo_cmd alloc(uint32_t cls);
    static fifo_cmd enqueue(uint32_t queue, uint32_t buffer, uint32_t len, uint32_t tag);
    static fifo_cmd dequeue(uint32_t queue);
    static fifo_cmd release(uint32_t buffer);
    static fifo_cmd link(uint32_t queue, uint32_t normal);
    static fifo_cmd add_free(uint32_t cls, uint32_t addr);
    static fifo_cmd remove_free(uint32_t cls);
    static fifo_cmd pick();
    static fifo_cmd mask(uint32_t connection, bool masked);
    static fifo_cmd status(uint32_t queue);
};
static_assert(std::is_trivially_copyable_v<fifo_cmd>, "fifo_cmd travels by pointer and memcpy");

// Flat queue index space (docs/elastic_fifo.md, "Identifiers").
struct fifo_queues {
    uint32_t classes = 0;
    uint32_t connections = 0;

    constexpr fifo_queues() = default;
    constexpr fifo_queues(uint32_t classes_, uint32_t connections_)
        : classes(classes_), connections(connections_) {}
    constexpr explicit fifo_queues(const fifo_params& p)
        : classes(p.classes), connections(p.connections) {}

    constexpr uint32_t free_pool(uint32_t cls) const { return cls; }
    constexpr uint32_t indirect_pool() const { return classes; }
    constexpr uint32_t special(fifo_special kind) const {
        return classes + 1 + static_cast<uint32_t>(kind);
    }
    constexpr uint32_t numbered(uint32_t connection) const {
        return classes + 1 + fifo_special_count + connection;
    }
    constexpr uint32_t count() const { return numbered(connections); }

    constexpr bool is_valid(uint32_t q) const { return q < count(); }
    constexpr bool is_free_pool(uint32_t q) const { return q <= classes; }
    constexpr bool is_special(uint32_t q) const { return q > classes && q < numbered(0); }
    constexpr bool is_numbered(uint32_t q) const { return q >= numbered(0) && q < count(); }
    // Only meaningful when is_numbered(q).
    constexpr uint32_t connection_of(uint32_t q) const { return q - numbered(0); }
};

const char* to_string(fifo_op op);
const char* to_string(fifo_result result);
const char* to_string(fifo_error error);
// One line for diagnostics and lockstep mismatch messages: the op, the operands it uses
// and, once executed, its response, e.g. "ENQUEUE q=9 b=3 len=64 tag=7 -> OK".
std::string to_string(const fifo_cmd& cmd);
std::string to_string(const fifo_rsp& rsp);

} // namespace evr
