// The elastic FIFO reference model (patent FIG. 4, element 500): pure C++, no SystemC,
// exactly the contract of docs/elastic_fifo.md. Untimed except that execute() returns
// each command's fixed latency; the timing of the command port is fifo_target's job.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "evr/fifo/fifo_cmd.h"
#include "evr/fifo/fifo_params.h"

namespace evr {

// Life cycle of a descriptor. Indirect descriptors are never spare or linked.
enum class buf_state : uint8_t {
    spare,  // normal descriptor bound to no SRAM (on the hidden spare list)
    free,   // on its free pool
    held,   // popped by ALLOC or DEQUEUE: the caller owns it
    queued, // on a special or numbered queue
    linked, // normal buffer its holder released while indirect buffers still point at it
};
const char* to_string(buf_state state);

struct fifo_op_stats {
    uint64_t ok = 0;
    uint64_t empty = 0;
    uint64_t error = 0;
    uint64_t total() const { return ok + empty + error; }
};

class elastic_fifo_ref {
public:
    // Throws evr::input_error when the parameters are unusable (fifo_params::validate).
    explicit elastic_fifo_ref(const fifo_params& params);

    // Performs `cmd` (filling cmd.rsp) and returns its latency in cycles, latency(op).
    // A protocol error leaves the state unchanged and sets rsp.result = error.
    unsigned execute(fifo_cmd& cmd);

    // Back to the reset state of the contract; statistics are cleared too.
    void reset();

    const fifo_params& params() const { return m_params; }
    const fifo_queues& queues() const { return m_queues; }
    uint32_t buffer_count() const { return m_params.descriptors + m_params.indirect; }
    bool is_normal(uint32_t b) const { return b < m_params.descriptors; }

    // Observers for statistics and checkers; arguments must be in range.
    uint32_t free_count(uint32_t cls) const { return m_lists[m_queues.free_pool(cls)].count; }
    uint32_t indirect_free_count() const { return m_lists[m_queues.indirect_pool()].count; }
    uint32_t queue_count(uint32_t q) const { return m_lists[q].count; }
    uint32_t high_water(uint32_t q) const { return m_lists[q].high_water; }
    uint32_t use_count(uint32_t normal) const { return m_use[normal]; }
    buf_state state(uint32_t b) const { return static_cast<buf_state>(m_state[b]); }
    bool masked(uint32_t connection) const { return test(m_masked, connection); }
    uint32_t pick_pointer() const { return m_rr; }
    uint32_t spare_count() const { return m_spare.count; }
    uint32_t live_normal() const { return m_params.descriptors - m_spare.count; } // bound
    // Buffers on all numbered queues / all special queues together.
    uint64_t queued_numbered() const { return m_queued_numbered; }
    uint64_t queued_special() const { return m_queued_special; }
    uint32_t held() const { return m_held; } // normal + indirect descriptors held by callers
    const fifo_op_stats& stats(fifo_op op) const { return m_stats[static_cast<unsigned>(op)]; }
    // Text of the last protocol error (names the command, queue or buffer and its state).
    const std::string& last_error() const { return m_last_error; }

    // Walks every list and cross-checks all bookkeeping; "" when consistent, else the
    // first violation. O(descriptors + queues): for tests and end of simulation.
    std::string check_invariants() const;
    // Buffer conservation at the end of a run: invariants hold and every bound normal
    // buffer and every indirect buffer is back on its free pool; "" when so.
    std::string check_drained() const;

private:
    static constexpr uint32_t nil = 0xffffffffu;

    // A list threaded through the descriptors' next pointers.
    struct list {
        uint32_t head = nil;
        uint32_t tail = nil;
        uint32_t count = 0;
        uint32_t high_water = 0;
    };

    void push_back(list& l, uint32_t b);
    uint32_t pop_front(list& l);
    void count_queued(const list& l, int delta);
    void note_numbered(uint32_t q); // refresh q's PICK eligibility after a push or pop
    void release_normal(uint32_t n, fifo_rsp& rsp);

    bool fail(fifo_cmd& cmd, fifo_error error, const std::string& detail);
    bool check_queue(fifo_cmd& cmd, bool allow_free_pool);
    bool check_class(fifo_cmd& cmd);
    bool check_held(fifo_cmd& cmd, uint32_t b);

    void do_alloc(fifo_cmd& cmd);
    void do_enqueue(fifo_cmd& cmd);
    void do_dequeue(fifo_cmd& cmd);
    void do_release(fifo_cmd& cmd);
    void do_link(fifo_cmd& cmd);
    void do_add_free(fifo_cmd& cmd);
    void do_remove_free(fifo_cmd& cmd);
    void do_pick(fifo_cmd& cmd);
    void do_mask(fifo_cmd& cmd);
    void do_status(fifo_cmd& cmd);

    static bool test(const std::vector<uint64_t>& bits, uint32_t i) {
        return (bits[i >> 6] >> (i & 63)) & 1u;
    }
    static void assign(std::vector<uint64_t>& bits, uint32_t i, bool value);
    static uint32_t find_from(const std::vector<uint64_t>& bits, uint32_t from);

    fifo_params m_params;
    fifo_queues m_queues;

    // Per descriptor (normal then indirect).
    std::vector<uint32_t> m_next;
    std::vector<uint8_t> m_state; // buf_state
    // Per normal descriptor.
    std::vector<uint32_t> m_use;
    std::vector<uint32_t> m_len;
    std::vector<uint32_t> m_tag;
    std::vector<uint32_t> m_addr;
    std::vector<uint32_t> m_class;
    // Per indirect descriptor (index b - descriptors): the normal buffer it points at.
    std::vector<uint32_t> m_target;

    std::vector<list> m_lists; // one per queue index
    list m_spare;              // spare normal descriptors, FIFO like every list

    // PICK: one bit per connection. eligible = non-empty and unmasked, kept up to date on
    // every push/pop/MASK so PICK is a word-wise scan rather than a walk of the queues.
    std::vector<uint64_t> m_masked;
    std::vector<uint64_t> m_eligible;
    uint32_t m_rr = 0;

    uint32_t m_held = 0;
    uint64_t m_queued_numbered = 0;
    uint64_t m_queued_special = 0;
    std::array<fifo_op_stats, fifo_op_count> m_stats{};
    std::string m_last_error;
};

} // namespace evr
