// Constrained-random command streams against an independent shadow model: std::deque
// lists and per-buffer records written straight from docs/elastic_fifo.md, sharing no
// code with the reference. Set EVR_FIFO_SEED to replay one seed.
#include <cstdlib>
#include <deque>
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>

#include "evr/fifo/elastic_fifo_ref.h"

namespace evr {
namespace {

class shadow_fifo {
public:
    enum class st { spare, free, held, queued, linked };
    struct buf {
        st s = st::spare;
        uint32_t use = 0, len = 0, tag = 0, addr = 0, cls = 0, target = 0;
    };

    explicit shadow_fifo(const fifo_params& p)
        : m_p(p), m_bufs(p.descriptors + p.indirect), m_lists(p.classes + 5 + p.connections),
          m_hw(m_lists.size(), 0), m_masked(p.connections, false), m_rr(p.connections - 1) {
        for (uint32_t b = 0; b < p.descriptors; ++b)
            m_spare.push_back(b);
        for (uint32_t b = p.descriptors; b < m_bufs.size(); ++b) {
            m_bufs[b].s = st::free;
            m_lists[p.classes].push_back(b);
        }
        m_hw[p.classes] = p.indirect; // high-water marks start at the reset counts
    }

    fifo_rsp execute(const fifo_cmd& c) {
        fifo_rsp r;
        const uint32_t C = m_p.classes, D = m_p.descriptors;
        const uint32_t nq = static_cast<uint32_t>(m_lists.size());
        auto err = [&](fifo_error e) {
            r = fifo_rsp{};
            r.result = fifo_result::error;
            r.error = e;
            return r;
        };
        auto queue_error = [&](uint32_t q, bool allow_pool) {
            if (q >= nq)
                return fifo_error::queue_out_of_range;
            if (!allow_pool && q <= C)
                return fifo_error::queue_is_free_pool;
            return fifo_error::none;
        };
        auto held_error = [&](uint32_t b) {
            if (b >= m_bufs.size())
                return fifo_error::buffer_out_of_range;
            switch (m_bufs[b].s) {
            case st::spare:
                return fifo_error::buffer_is_spare;
            case st::free:
                return fifo_error::buffer_is_free;
            case st::queued:
                return fifo_error::buffer_is_queued;
            case st::linked:
                return fifo_error::buffer_is_linked;
            case st::held:
                break;
            }
            return fifo_error::none;
        };
        auto push = [&](uint32_t q, uint32_t b) {
            m_lists[q].push_back(b);
            m_hw[q] = std::max<uint32_t>(m_hw[q], static_cast<uint32_t>(m_lists[q].size()));
        };
        auto pop = [&](std::deque<uint32_t>& l) {
            const uint32_t b = l.front();
            l.pop_front();
            return b;
        };
        auto drop_ref = [&](uint32_t n) {
            r.normal = n;
            if (--m_bufs[n].use == 0) {
                m_bufs[n].s = st::free;
                push(m_bufs[n].cls, n);
                r.freed = true;
            }
        };
        switch (c.op) {
        case fifo_op::alloc: {
            if (c.cls >= C)
                return err(fifo_error::class_out_of_range);
            if (m_lists[c.cls].empty()) {
                r.result = fifo_result::empty;
                break;
            }
            const uint32_t b = pop(m_lists[c.cls]);
            m_bufs[b].s = st::held;
            m_bufs[b].use = 1;
            m_bufs[b].len = m_bufs[b].tag = 0;
            r.buffer = b;
            r.addr = m_bufs[b].addr;
            break;
        }
        case fifo_op::enqueue: {
            if (auto e = queue_error(c.queue, false); e != fifo_error::none)
                return err(e);
            if (auto e = held_error(c.buffer); e != fifo_error::none)
                return err(e);
            buf& b = m_bufs[c.buffer];
            if (c.buffer < D) {
                b.len = c.len;
                b.tag = c.tag;
            }
            b.s = st::queued;
            push(c.queue, c.buffer);
            break;
        }
        case fifo_op::dequeue: {
            if (auto e = queue_error(c.queue, false); e != fifo_error::none)
                return err(e);
            if (m_lists[c.queue].empty()) {
                r.result = fifo_result::empty;
                break;
            }
            const uint32_t b = pop(m_lists[c.queue]);
            m_bufs[b].s = st::held;
            const uint32_t n = b < D ? b : m_bufs[b].target;
            r.buffer = b;
            r.is_indirect = b >= D;
            r.normal = n;
            r.len = m_bufs[n].len;
            r.tag = m_bufs[n].tag;
            r.use = m_bufs[n].use;
            r.addr = m_bufs[n].addr;
            break;
        }
        case fifo_op::release: {
            if (auto e = held_error(c.buffer); e != fifo_error::none)
                return err(e);
            if (c.buffer < D) {
                m_bufs[c.buffer].s = st::linked;
                drop_ref(c.buffer);
            } else {
                m_bufs[c.buffer].s = st::free;
                push(C, c.buffer);
                drop_ref(m_bufs[c.buffer].target);
            }
            break;
        }
        case fifo_op::link: {
            if (auto e = queue_error(c.queue, false); e != fifo_error::none)
                return err(e);
            if (c.buffer >= D && c.buffer < m_bufs.size())
                return err(fifo_error::buffer_not_normal);
            if (auto e = held_error(c.buffer); e != fifo_error::none)
                return err(e);
            if (m_lists[C].empty()) {
                r.result = fifo_result::empty;
                break;
            }
            const uint32_t i = pop(m_lists[C]);
            m_bufs[i].target = c.buffer;
            m_bufs[i].s = st::queued;
            ++m_bufs[c.buffer].use;
            push(c.queue, i);
            r.buffer = i;
            break;
        }
        case fifo_op::add_free: {
            if (c.cls >= C)
                return err(fifo_error::class_out_of_range);
            if (m_spare.empty()) {
                r.result = fifo_result::empty;
                break;
            }
            const uint32_t b = pop(m_spare);
            m_bufs[b] = buf{};
            m_bufs[b].s = st::free;
            m_bufs[b].addr = c.addr;
            m_bufs[b].cls = c.cls;
            push(c.cls, b);
            r.buffer = b;
            break;
        }
        case fifo_op::remove_free: {
            if (c.cls >= C)
                return err(fifo_error::class_out_of_range);
            if (m_lists[c.cls].empty()) {
                r.result = fifo_result::empty;
                break;
            }
            const uint32_t b = pop(m_lists[c.cls]);
            m_bufs[b].s = st::spare;
            m_spare.push_back(b);
            r.buffer = b;
            r.addr = m_bufs[b].addr;
            break;
        }
        case fifo_op::pick: {
            // The obvious linear walk, one connection at a time.
            r.result = fifo_result::empty;
            for (uint32_t step = 1; step <= m_p.connections; ++step) {
                const uint32_t k = (m_rr + step) % m_p.connections;
                if (!m_masked[k] && !m_lists[C + 5 + k].empty()) {
                    m_rr = k;
                    r.result = fifo_result::ok;
                    r.connection = k;
                    break;
                }
            }
            break;
        }
        case fifo_op::mask:
            if (c.connection >= m_p.connections)
                return err(fifo_error::connection_out_of_range);
            m_masked[c.connection] = c.masked;
            break;
        case fifo_op::status:
            if (auto e = queue_error(c.queue, true); e != fifo_error::none)
                return err(e);
            r.count = static_cast<uint32_t>(m_lists[c.queue].size());
            r.high_water = m_hw[c.queue];
            break;
        }
        return r;
    }

    // Operand pools for the stimulus generator.
    std::vector<uint32_t> in_state(st s, bool normal_only) const {
        std::vector<uint32_t> out;
        const size_t end = normal_only ? m_p.descriptors : m_bufs.size();
        for (uint32_t b = 0; b < end; ++b)
            if (m_bufs[b].s == s)
                out.push_back(b);
        return out;
    }
    bool queue_empty(uint32_t q) const { return m_lists[q].empty(); }
    uint32_t queue_size(uint32_t q) const { return static_cast<uint32_t>(m_lists[q].size()); }

private:
    fifo_params m_p;
    std::vector<buf> m_bufs;
    std::vector<std::deque<uint32_t>> m_lists;
    std::deque<uint32_t> m_spare;
    std::vector<uint32_t> m_hw;
    std::vector<bool> m_masked;
    uint32_t m_rr;
};

class stimulus {
public:
    stimulus(const fifo_params& p, uint64_t seed) : m_p(p), m_q(p), m_rng(seed) {}

    fifo_cmd next(const shadow_fifo& s) {
        if (chance(2))
            return wild();
        const std::vector<uint32_t> held = s.in_state(shadow_fifo::st::held, false);
        const std::vector<uint32_t> held_normal = s.in_state(shadow_fifo::st::held, true);
        switch (pick_weighted()) {
        case 0:
            return fifo_cmd::alloc(below(m_p.classes));
        case 1:
            if (held.empty())
                return fifo_cmd::alloc(below(m_p.classes));
            return fifo_cmd::enqueue(target_queue(), any_of(held), below(2000), below(1u << 31));
        case 2: {
            // Mostly a non-empty queue, so the lists do drain.
            uint32_t q = target_queue();
            for (int tries = 0; tries < 8 && s.queue_empty(q); ++tries)
                q = target_queue();
            return fifo_cmd::dequeue(q);
        }
        case 3:
            if (held.empty())
                return fifo_cmd::dequeue(target_queue());
            return fifo_cmd::release(any_of(held));
        case 4:
            if (held_normal.empty())
                return fifo_cmd::pick();
            return fifo_cmd::link(target_queue(), any_of(held_normal));
        case 5:
            return fifo_cmd::add_free(below(m_p.classes), static_cast<uint32_t>(m_rng()));
        case 6:
            return fifo_cmd::remove_free(below(m_p.classes));
        case 7:
            return fifo_cmd::pick();
        case 8:
            return fifo_cmd::mask(below(m_p.connections), chance(30));
        default:
            return fifo_cmd::status(below(m_q.count()));
        }
    }

private:
    uint32_t below(uint32_t n) { return static_cast<uint32_t>(m_rng() % n); }
    bool chance(unsigned percent) { return below(100) < percent; }
    uint32_t any_of(const std::vector<uint32_t>& v) {
        return v[below(static_cast<uint32_t>(v.size()))];
    }
    uint32_t target_queue() {
        // Special queues and a small hot set of connections, to build long lists.
        if (chance(20))
            return m_q.special(static_cast<fifo_special>(below(fifo_special_count)));
        const uint32_t k =
            chance(70) ? below(std::min<uint32_t>(8, m_p.connections)) : below(m_p.connections);
        return m_q.numbered(k);
    }
    unsigned pick_weighted() {
        static constexpr unsigned weights[] = {14, 16, 16, 16, 8, 5, 3, 8, 4, 4};
        unsigned total = 0;
        for (unsigned w : weights)
            total += w;
        unsigned x = below(total);
        for (unsigned i = 0;; ++i) {
            if (x < weights[i])
                return i;
            x -= weights[i];
        }
    }
    // Any op with operands anywhere near the valid range: mostly protocol errors.
    fifo_cmd wild() {
        fifo_cmd c;
        c.op = static_cast<fifo_op>(below(fifo_op_count));
        c.queue = below(m_q.count() + 3);
        c.buffer = below(m_p.descriptors + m_p.indirect + 3);
        c.cls = below(m_p.classes + 2);
        c.len = below(100);
        c.tag = below(100);
        c.addr = below(100);
        c.connection = below(m_p.connections + 2);
        c.masked = chance(50);
        return c;
    }

    fifo_params m_p;
    fifo_queues m_q;
    std::mt19937_64 m_rng;
};

// Runs `commands` random commands, then drains everything and checks conservation.
void run_stream(const fifo_params& p, uint64_t seed, int commands) {
    SCOPED_TRACE("seed=" + std::to_string(seed) +
                 " (replay with EVR_FIFO_SEED=" + std::to_string(seed) + ")");
    elastic_fifo_ref ref(p);
    shadow_fifo shadow(p);
    stimulus gen(p, seed);
    const fifo_queues qs(p);
    uint64_t results[3] = {};

    auto step = [&](int i, fifo_cmd& cmd) {
        const fifo_rsp expected = shadow.execute(cmd);
        const unsigned l = ref.execute(cmd);
        ++results[static_cast<unsigned>(cmd.rsp.result)];
        if (cmd.rsp != expected || l != latency(cmd.op)) {
            ADD_FAILURE() << "command " << i << ": " << to_string(cmd) << "\n  got      "
                          << to_string(cmd.rsp) << "\n  expected " << to_string(expected)
                          << "\n  latency " << l << "\n  " << ref.last_error();
            return false;
        }
        return true;
    };

    // Start-up: fill the pools like the router does.
    for (uint32_t i = 0; i < p.descriptors * 3 / 4; ++i) {
        fifo_cmd add = fifo_cmd::add_free(i % p.classes, 0x10000 + 0x800 * i);
        if (!step(-1, add))
            return;
    }

    for (int i = 0; i < commands; ++i) {
        fifo_cmd cmd = gen.next(shadow);
        if (!step(i, cmd))
            return;
        if (i % 1000 == 999) {
            const std::string problem = ref.check_invariants();
            ASSERT_EQ(problem, "") << "after command " << i;
        }
    }
    // Every kind of result happened, or the stream tested little.
    EXPECT_GT(results[static_cast<unsigned>(fifo_result::ok)], uint64_t(commands) / 2);
    EXPECT_GT(results[static_cast<unsigned>(fifo_result::empty)], 100u);
    EXPECT_GT(results[static_cast<unsigned>(fifo_result::error)], 100u);
    EXPECT_GT(ref.stats(fifo_op::link).ok, 100u);

    // Drain: give back every held buffer and empty every queue, then conservation.
    for (uint32_t k = 0; k < p.connections; ++k) {
        fifo_cmd m = fifo_cmd::mask(k, false);
        ASSERT_TRUE(step(commands, m));
    }
    for (uint32_t b = 0; b < ref.buffer_count(); ++b)
        if (ref.state(b) == buf_state::held) {
            fifo_cmd r = fifo_cmd::release(b);
            ASSERT_TRUE(step(commands, r));
        }
    for (uint32_t q = qs.special(fifo_special::broadcast); q < qs.count(); ++q)
        while (ref.queue_count(q) != 0) {
            fifo_cmd d = fifo_cmd::dequeue(q);
            ASSERT_TRUE(step(commands, d));
            fifo_cmd r = fifo_cmd::release(d.rsp.buffer);
            ASSERT_TRUE(step(commands, r));
        }
    EXPECT_EQ(ref.check_drained(), "");
    EXPECT_EQ(ref.held(), 0u);
}

std::vector<uint64_t> seeds() {
    if (const char* env = std::getenv("EVR_FIFO_SEED"))
        return {std::strtoull(env, nullptr, 0)};
    return {1, 0x5eed, 20260101};
}

TEST(fifo_ref_random, stream_against_shadow_model) {
    fifo_params p;
    p.classes = 3;
    p.descriptors = 64;
    p.indirect = 48;
    p.connections = 130;
    for (uint64_t seed : seeds())
        run_stream(p, seed, 100000);
}

TEST(fifo_ref_random, tiny_configuration_hits_every_corner) {
    fifo_params p;
    p.classes = 1;
    p.descriptors = 3;
    p.indirect = 2;
    p.connections = 1;
    for (uint64_t seed : seeds())
        run_stream(p, seed + 1000, 20000);
}

} // namespace
} // namespace evr
