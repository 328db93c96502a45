// Command semantics of the elastic FIFO reference (docs/elastic_fifo.md).
#include "evr/fifo/elastic_fifo_ref.h"

#include <sstream>

namespace evr {

const char* to_string(buf_state state) {
    switch (state) {
    case buf_state::spare:
        return "spare";
    case buf_state::free:
        return "free";
    case buf_state::held:
        return "held";
    case buf_state::queued:
        return "queued";
    case buf_state::linked:
        return "linked";
    }
    return "bad state";
}

elastic_fifo_ref::elastic_fifo_ref(const fifo_params& params) : m_params(params), m_queues(params) {
    m_params.validate();
    reset();
}

void elastic_fifo_ref::reset() {
    const uint32_t d = m_params.descriptors;
    const uint32_t total = buffer_count();
    m_next.assign(total, nil);
    m_state.assign(total, static_cast<uint8_t>(buf_state::spare));
    m_use.assign(d, 0);
    m_len.assign(d, 0);
    m_tag.assign(d, 0);
    m_addr.assign(d, 0);
    m_class.assign(d, 0);
    m_target.assign(m_params.indirect, nil);
    m_lists.assign(m_queues.count(), list{});
    m_spare = list{};
    const size_t words = (m_params.connections + 63) / 64;
    m_masked.assign(words, 0);
    m_eligible.assign(words, 0);
    m_rr = m_params.connections - 1; // so the first PICK considers connection 0 first
    m_held = 0;
    m_queued_numbered = 0;
    m_queued_special = 0;
    m_stats = {};
    m_last_error.clear();

    // Ascending order on both lists, so ADD_FREE binds 0, 1, 2, ... and LINK hands out
    // Descriptors, Descriptors+1, ... exactly like the RTL after reset.
    for (uint32_t b = 0; b < d; ++b)
        push_back(m_spare, b);
    list& indirect_pool = m_lists[m_queues.indirect_pool()];
    for (uint32_t b = d; b < total; ++b) {
        m_state[b] = static_cast<uint8_t>(buf_state::free);
        push_back(indirect_pool, b);
    }
    // High-water marks start at the reset counts (Indirect for the indirect pool, 0
    // elsewhere), so `high_water >= count` holds at every moment.
}

void elastic_fifo_ref::push_back(list& l, uint32_t b) {
    m_next[b] = nil;
    if (l.tail == nil)
        l.head = b;
    else
        m_next[l.tail] = b;
    l.tail = b;
    ++l.count;
    count_queued(l, 1);
    if (l.count > l.high_water)
        l.high_water = l.count;
}

uint32_t elastic_fifo_ref::pop_front(list& l) {
    const uint32_t b = l.head;
    l.head = m_next[b];
    if (l.head == nil)
        l.tail = nil;
    m_next[b] = nil;
    --l.count;
    count_queued(l, -1);
    return b;
}

// Keeps the totals of the special and numbered queues, so a sampler can read them without
// walking one list per connection.
void elastic_fifo_ref::count_queued(const list& l, int delta) {
    if (&l < m_lists.data() || &l >= m_lists.data() + m_lists.size())
        return; // the spare list
    const auto q = static_cast<uint32_t>(&l - m_lists.data());
    if (m_queues.is_numbered(q))
        m_queued_numbered += delta;
    else if (m_queues.is_special(q))
        m_queued_special += delta;
}

void elastic_fifo_ref::assign(std::vector<uint64_t>& bits, uint32_t i, bool value) {
    const uint64_t bit = uint64_t{1} << (i & 63);
    if (value)
        bits[i >> 6] |= bit;
    else
        bits[i >> 6] &= ~bit;
}

uint32_t elastic_fifo_ref::find_from(const std::vector<uint64_t>& bits, uint32_t from) {
    size_t w = from >> 6;
    if (w >= bits.size())
        return nil;
    uint64_t word = bits[w] & (~uint64_t{0} << (from & 63));
    for (;;) {
        if (word != 0)
            return static_cast<uint32_t>(w * 64 + static_cast<unsigned>(__builtin_ctzll(word)));
        if (++w == bits.size())
            return nil;
        word = bits[w];
    }
}

void elastic_fifo_ref::note_numbered(uint32_t q) {
    if (!m_queues.is_numbered(q))
        return;
    const uint32_t k = m_queues.connection_of(q);
    assign(m_eligible, k, m_lists[q].count != 0 && !test(m_masked, k));
}

bool elastic_fifo_ref::fail(fifo_cmd& cmd, fifo_error error, const std::string& detail) {
    cmd.rsp = fifo_rsp{};
    cmd.rsp.result = fifo_result::error;
    cmd.rsp.error = error;
    m_last_error = to_string(cmd) + ": " + detail;
    return false;
}

bool elastic_fifo_ref::check_queue(fifo_cmd& cmd, bool allow_free_pool) {
    if (!m_queues.is_valid(cmd.queue))
        return fail(cmd, fifo_error::queue_out_of_range,
                    "queue " + std::to_string(cmd.queue) +
                        " >= " + std::to_string(m_queues.count()) + " queues");
    if (!allow_free_pool && m_queues.is_free_pool(cmd.queue))
        return fail(cmd, fifo_error::queue_is_free_pool,
                    "queue " + std::to_string(cmd.queue) + " is a free pool");
    return true;
}

bool elastic_fifo_ref::check_class(fifo_cmd& cmd) {
    if (cmd.cls < m_params.classes)
        return true;
    return fail(cmd, fifo_error::class_out_of_range,
                "class " + std::to_string(cmd.cls) + " >= " + std::to_string(m_params.classes) +
                    " classes");
}

bool elastic_fifo_ref::check_held(fifo_cmd& cmd, uint32_t b) {
    if (b >= buffer_count())
        return fail(cmd, fifo_error::buffer_out_of_range,
                    "buffer " + std::to_string(b) + " >= " + std::to_string(buffer_count()) +
                        " descriptors");
    const buf_state s = state(b);
    if (s == buf_state::held)
        return true;
    fifo_error e = fifo_error::buffer_is_queued;
    switch (s) {
    case buf_state::spare:
        e = fifo_error::buffer_is_spare;
        break;
    case buf_state::free:
        e = fifo_error::buffer_is_free;
        break;
    case buf_state::linked:
        e = fifo_error::buffer_is_linked;
        break;
    default:
        break;
    }
    return fail(cmd, e,
                "buffer " + std::to_string(b) + " is " + to_string(s) + ", not held by the caller");
}

unsigned elastic_fifo_ref::execute(fifo_cmd& cmd) {
    cmd.rsp = fifo_rsp{};
    if (!is_valid(cmd.op)) {
        fail(cmd, fifo_error::bad_op, "op " + std::to_string(static_cast<unsigned>(cmd.op)));
        return latency(cmd.op);
    }
    switch (cmd.op) {
    case fifo_op::alloc:
        do_alloc(cmd);
        break;
    case fifo_op::enqueue:
        do_enqueue(cmd);
        break;
    case fifo_op::dequeue:
        do_dequeue(cmd);
        break;
    case fifo_op::release:
        do_release(cmd);
        break;
    case fifo_op::link:
        do_link(cmd);
        break;
    case fifo_op::add_free:
        do_add_free(cmd);
        break;
    case fifo_op::remove_free:
        do_remove_free(cmd);
        break;
    case fifo_op::pick:
        do_pick(cmd);
        break;
    case fifo_op::mask:
        do_mask(cmd);
        break;
    case fifo_op::status:
        do_status(cmd);
        break;
    }
    fifo_op_stats& s = m_stats[static_cast<unsigned>(cmd.op)];
    switch (cmd.rsp.result) {
    case fifo_result::ok:
        ++s.ok;
        break;
    case fifo_result::empty:
        ++s.empty;
        break;
    case fifo_result::error:
        ++s.error;
        break;
    }
    return latency(cmd.op);
}

void elastic_fifo_ref::do_alloc(fifo_cmd& cmd) {
    if (!check_class(cmd))
        return;
    list& pool = m_lists[m_queues.free_pool(cmd.cls)];
    if (pool.count == 0) {
        cmd.rsp.result = fifo_result::empty;
        return;
    }
    const uint32_t b = pop_front(pool);
    m_state[b] = static_cast<uint8_t>(buf_state::held);
    m_use[b] = 1;
    m_len[b] = 0;
    m_tag[b] = 0;
    ++m_held;
    cmd.rsp.buffer = b;
    cmd.rsp.addr = m_addr[b]; // the store engine writes the frame there
}

void elastic_fifo_ref::do_enqueue(fifo_cmd& cmd) {
    if (!check_queue(cmd, false) || !check_held(cmd, cmd.buffer))
        return;
    const uint32_t b = cmd.buffer;
    if (is_normal(b)) {
        m_len[b] = cmd.len;
        m_tag[b] = cmd.tag;
    }
    m_state[b] = static_cast<uint8_t>(buf_state::queued);
    --m_held;
    push_back(m_lists[cmd.queue], b);
    note_numbered(cmd.queue);
}

void elastic_fifo_ref::do_dequeue(fifo_cmd& cmd) {
    if (!check_queue(cmd, false))
        return;
    list& q = m_lists[cmd.queue];
    if (q.count == 0) {
        cmd.rsp.result = fifo_result::empty;
        return;
    }
    const uint32_t b = pop_front(q);
    note_numbered(cmd.queue);
    m_state[b] = static_cast<uint8_t>(buf_state::held);
    ++m_held;
    const uint32_t n = is_normal(b) ? b : m_target[b - m_params.descriptors];
    fifo_rsp& r = cmd.rsp;
    r.buffer = b;
    r.is_indirect = !is_normal(b);
    r.normal = n;
    r.len = m_len[n];
    r.tag = m_tag[n];
    r.use = m_use[n];
    r.addr = m_addr[n];
}

// Drops one reference to normal buffer `n`; the last one returns it to its pool.
void elastic_fifo_ref::release_normal(uint32_t n, fifo_rsp& rsp) {
    rsp.normal = n;
    if (--m_use[n] != 0)
        return;
    m_state[n] = static_cast<uint8_t>(buf_state::free);
    push_back(m_lists[m_queues.free_pool(m_class[n])], n);
    rsp.freed = true;
}

void elastic_fifo_ref::do_release(fifo_cmd& cmd) {
    if (!check_held(cmd, cmd.buffer))
        return;
    const uint32_t b = cmd.buffer;
    --m_held;
    if (is_normal(b)) {
        // The holder's own reference goes; indirect buffers may keep it alive (linked).
        m_state[b] = static_cast<uint8_t>(buf_state::linked);
        release_normal(b, cmd.rsp);
        return;
    }
    uint32_t& target = m_target[b - m_params.descriptors];
    const uint32_t n = target;
    target = nil;
    m_state[b] = static_cast<uint8_t>(buf_state::free);
    push_back(m_lists[m_queues.indirect_pool()], b);
    release_normal(n, cmd.rsp);
}

void elastic_fifo_ref::do_link(fifo_cmd& cmd) {
    if (!check_queue(cmd, false))
        return;
    const uint32_t n = cmd.buffer;
    if (n < buffer_count() && !is_normal(n)) {
        fail(cmd, fifo_error::buffer_not_normal,
             "buffer " + std::to_string(n) + " is an indirect buffer");
        return;
    }
    if (!check_held(cmd, n))
        return;
    list& pool = m_lists[m_queues.indirect_pool()];
    if (pool.count == 0) {
        cmd.rsp.result = fifo_result::empty;
        return;
    }
    const uint32_t i = pop_front(pool);
    m_target[i - m_params.descriptors] = n;
    ++m_use[n];
    m_state[i] = static_cast<uint8_t>(buf_state::queued);
    push_back(m_lists[cmd.queue], i);
    note_numbered(cmd.queue);
    cmd.rsp.buffer = i;
}

void elastic_fifo_ref::do_add_free(fifo_cmd& cmd) {
    if (!check_class(cmd))
        return;
    if (m_spare.count == 0) {
        cmd.rsp.result = fifo_result::empty;
        return;
    }
    const uint32_t b = pop_front(m_spare);
    m_addr[b] = cmd.addr;
    m_class[b] = cmd.cls;
    m_use[b] = 0;
    m_len[b] = 0;
    m_tag[b] = 0;
    m_state[b] = static_cast<uint8_t>(buf_state::free);
    push_back(m_lists[m_queues.free_pool(cmd.cls)], b);
    cmd.rsp.buffer = b;
}

void elastic_fifo_ref::do_remove_free(fifo_cmd& cmd) {
    if (!check_class(cmd))
        return;
    list& pool = m_lists[m_queues.free_pool(cmd.cls)];
    if (pool.count == 0) {
        cmd.rsp.result = fifo_result::empty;
        return;
    }
    const uint32_t b = pop_front(pool);
    m_state[b] = static_cast<uint8_t>(buf_state::spare);
    push_back(m_spare, b);
    cmd.rsp.buffer = b;
    cmd.rsp.addr = m_addr[b];
}

void elastic_fifo_ref::do_pick(fifo_cmd& cmd) {
    const uint32_t start = m_rr + 1 == m_params.connections ? 0 : m_rr + 1;
    uint32_t k = find_from(m_eligible, start);
    if (k == nil)
        k = find_from(m_eligible, 0); // wrap around: anything found lies below start
    if (k == nil) {
        cmd.rsp.result = fifo_result::empty;
        return;
    }
    m_rr = k;
    cmd.rsp.connection = k;
}

void elastic_fifo_ref::do_mask(fifo_cmd& cmd) {
    const uint32_t k = cmd.connection;
    if (k >= m_params.connections) {
        fail(cmd, fifo_error::connection_out_of_range,
             "connection " + std::to_string(k) + " >= " + std::to_string(m_params.connections) +
                 " connections");
        return;
    }
    assign(m_masked, k, cmd.masked);
    note_numbered(m_queues.numbered(k));
}

void elastic_fifo_ref::do_status(fifo_cmd& cmd) {
    if (!check_queue(cmd, true))
        return;
    cmd.rsp.count = m_lists[cmd.queue].count;
    cmd.rsp.high_water = m_lists[cmd.queue].high_water;
}

} // namespace evr
