// Constrained-random lockstep stimulus for the elastic FIFO.
#include "cosim_driver.h"

#include <cstdlib>
#include <sstream>

namespace evr::cosim {

cosim_driver::cosim_driver(lockstep_fifo_backend& dut, uint64_t seed, const stimulus_knobs& knobs)
    : m_dut(dut), m_ref(dut.reference()), m_p(dut.reference().params()),
      m_q(dut.reference().queues()), m_rng(seed), m_knobs(knobs),
      m_held_pos(m_p.descriptors + m_p.indirect, -1) {}

std::vector<uint64_t> cosim_driver::seeds(std::vector<uint64_t> defaults) {
    if (const char* s = std::getenv("EVR_COSIM_SEED"))
        return {std::strtoull(s, nullptr, 0)};
    return defaults;
}

double cosim_driver::scale() {
    if (const char* s = std::getenv("EVR_COSIM_SCALE"))
        return std::strtod(s, nullptr);
    return 1.0;
}

void cosim_driver::hold(uint32_t b) {
    m_held_pos[b] = static_cast<int32_t>(m_held.size());
    m_held.push_back(b);
}

void cosim_driver::unhold(uint32_t b) {
    const int32_t i = m_held_pos[b];
    if (i < 0)
        return;
    const uint32_t last = m_held.back();
    m_held[static_cast<size_t>(i)] = last;
    m_held_pos[last] = i;
    m_held.pop_back();
    m_held_pos[b] = -1;
}

const fifo_cmd& cosim_driver::issue(const fifo_cmd& c) {
    static thread_local fifo_cmd cmd;
    cmd = c;
    uint64_t at = m_cycle;
    if (chance(m_knobs.idle_rate))
        at += 1 + pick(m_knobs.max_gap);
    if (chance(m_knobs.long_gap_rate))
        at += 1 + pick(1000000);
    m_cycle = m_dut.execute(cmd, at); // throws lockstep_mismatch on divergence
    ++m_commands;
    const fifo_rsp& r = cmd.rsp;
    if (r.result == fifo_result::error) {
        ++m_errors;
        return cmd;
    }
    if (r.result != fifo_result::ok)
        return cmd;
    switch (cmd.op) {
    case fifo_op::alloc:
    case fifo_op::dequeue:
        hold(r.buffer);
        break;
    case fifo_op::enqueue:
    case fifo_op::release:
        unhold(cmd.buffer);
        break;
    default:
        break;
    }
    return cmd;
}

bool cosim_driver::do_alloc(uint32_t cls) {
    return issue(fifo_cmd::alloc(cls)).rsp.result == fifo_result::ok;
}
void cosim_driver::do_enqueue(uint32_t b, uint32_t q) {
    issue(fifo_cmd::enqueue(q, b, 64 + pick(9000), static_cast<uint32_t>(m_rng())));
}
bool cosim_driver::do_dequeue(uint32_t q) {
    return issue(fifo_cmd::dequeue(q)).rsp.result == fifo_result::ok;
}
void cosim_driver::do_release(uint32_t b) {
    issue(fifo_cmd::release(b));
}
bool cosim_driver::do_link(uint32_t q, uint32_t n) {
    return issue(fifo_cmd::link(q, n)).rsp.result == fifo_result::ok;
}
bool cosim_driver::do_add_free(uint32_t cls) {
    m_next_addr += 0x800;
    return issue(fifo_cmd::add_free(cls, m_next_addr)).rsp.result == fifo_result::ok;
}
bool cosim_driver::do_remove_free(uint32_t cls) {
    return issue(fifo_cmd::remove_free(cls)).rsp.result == fifo_result::ok;
}

uint32_t cosim_driver::random_target_queue() {
    // Specials a quarter of the time, else a numbered queue; small sets crowd queues.
    if (pick(4) == 0)
        return m_q.special(static_cast<fifo_special>(pick(fifo_special_count)));
    return m_q.numbered(pick(m_p.connections));
}

uint32_t cosim_driver::random_nonempty_queue() {
    for (int tries = 0; tries < 8; ++tries) {
        const uint32_t q = random_target_queue();
        if (m_ref.queue_count(q) != 0)
            return q;
    }
    return m_q.count();
}

void cosim_driver::run(uint64_t count) {
    const uint64_t end = m_commands + count;
    while (m_commands < end)
        step();
}

void cosim_driver::step() {
    if (m_phase_left == 0) {
        // Finish a storm or service run before leaving its phase.
        if (m_storm_active || m_service_active) {
            m_phase_left = 1;
        } else {
            static constexpr phase mix[] = {
                phase::steady, phase::steady,  phase::steady,  phase::exhaust, phase::storm,
                phase::storm,  phase::elastic, phase::service, phase::service, phase::errors};
            m_phase = mix[pick(sizeof mix / sizeof mix[0])];
            m_phase_left = 200 + pick(2000);
        }
    }
    --m_phase_left;
    if (chance(m_knobs.error_rate)) {
        error_step();
        return;
    }
    switch (m_phase) {
    case phase::steady:
        steady_step();
        break;
    case phase::exhaust:
        exhaust_step();
        break;
    case phase::storm:
        storm_step();
        break;
    case phase::elastic:
        elastic_step();
        break;
    case phase::service:
        service_step();
        break;
    case phase::errors:
        if (chance(0.3))
            error_step();
        else
            steady_step();
        break;
    }
}

void cosim_driver::steady_step() {
    const uint32_t total = m_p.descriptors + m_p.indirect;
    // Keep what the stimulus holds bounded so the queues, not the driver, fill up.
    const bool crowded = m_held.size() > 8 + total / 8;
    const uint32_t r = pick(100);
    if (r < 14 && !crowded) {
        do_alloc(pick(m_p.classes));
    } else if (r < 30 && !m_held.empty()) {
        do_enqueue(m_held[pick(static_cast<uint32_t>(m_held.size()))], random_target_queue());
    } else if (r < 46) {
        const uint32_t q = random_nonempty_queue();
        do_dequeue(q < m_q.count() ? q : random_target_queue()); // maybe EMPTY
    } else if (r < 60 && !m_held.empty()) {
        do_release(m_held[pick(static_cast<uint32_t>(m_held.size()))]);
    } else if (r < 68 && !m_held.empty()) {
        const uint32_t b = m_held[pick(static_cast<uint32_t>(m_held.size()))];
        if (b < m_p.descriptors)
            do_link(random_target_queue(), b);
        else
            issue(fifo_cmd::status(random_target_queue()));
    } else if (r < 72) {
        do_add_free(pick(m_p.classes));
    } else if (r < 75) {
        do_remove_free(pick(m_p.classes));
    } else if (r < 85) {
        const fifo_cmd& c = issue(fifo_cmd::pick());
        if (c.rsp.result == fifo_result::ok && chance(0.7))
            do_dequeue(m_q.numbered(c.rsp.connection));
    } else if (r < 90) {
        issue(fifo_cmd::mask(pick(m_p.connections), chance(0.4)));
    } else {
        issue(fifo_cmd::status(pick(m_q.count())));
    }
}

void cosim_driver::exhaust_step() {
    // Drain a class pool to EMPTY and the spare list to EMPTY, then give back.
    const uint32_t cls = pick(m_p.classes);
    const uint32_t r = pick(10);
    if (r < 5) {
        if (!do_alloc(cls) && !m_held.empty())
            do_release(m_held[pick(static_cast<uint32_t>(m_held.size()))]);
    } else if (r < 8) {
        do_add_free(cls);
    } else if (!m_held.empty()) {
        do_enqueue(m_held[pick(static_cast<uint32_t>(m_held.size()))], random_target_queue());
    } else {
        do_dequeue(random_target_queue());
    }
}

void cosim_driver::storm_step() {
    // Multicast fan-out: hold a normal buffer, LINK it to many queues until the indirect
    // pool runs dry or the storm ends, then drop the assist engine's own reference.
    if (!m_storm_active) {
        const uint32_t mc = m_q.special(fifo_special::multicast);
        uint32_t n = 0;
        bool got = false;
        if (m_ref.queue_count(mc) != 0) {
            const fifo_cmd& c = issue(fifo_cmd::dequeue(mc));
            got = c.rsp.result == fifo_result::ok && !c.rsp.is_indirect;
            n = c.rsp.buffer;
            if (c.rsp.result == fifo_result::ok && c.rsp.is_indirect)
                do_release(c.rsp.buffer);
        } else {
            const fifo_cmd& c = issue(fifo_cmd::alloc(pick(m_p.classes)));
            if (c.rsp.result == fifo_result::ok) {
                n = c.rsp.buffer;
                // Half the sources pass through the multicast queue first.
                if (chance(0.5)) {
                    do_enqueue(n, mc);
                    return;
                }
                got = true;
            }
        }
        if (!got) {
            steady_step();
            return;
        }
        m_storm_active = true;
        m_storm_source = n;
        return;
    }
    if (chance(0.03) || !do_link(random_target_queue(), m_storm_source)) {
        do_release(m_storm_source);
        m_storm_active = false;
    } else if (chance(0.1)) {
        // Copies get served while the storm goes on.
        const uint32_t q = random_nonempty_queue();
        if (q < m_q.count() && do_dequeue(q))
            do_release(m_held.back());
    }
}

void cosim_driver::elastic_step() {
    // Grow and shrink the pools (ADD_FREE / REMOVE_FREE) against ordinary traffic.
    const uint32_t r = pick(10);
    if (r < 3)
        do_add_free(pick(m_p.classes));
    else if (r < 6)
        do_remove_free(pick(m_p.classes));
    else
        steady_step();
}

void cosim_driver::service_step() {
    // The local engine: PICK a connection, mask it while serving, dequeue and release its
    // frames, unmask.
    if (!m_service_active) {
        const fifo_cmd& c = issue(fifo_cmd::pick());
        if (c.rsp.result != fifo_result::ok) {
            steady_step();
            return;
        }
        m_service_conn = c.rsp.connection;
        m_service_active = true;
        if (chance(0.5))
            issue(fifo_cmd::mask(m_service_conn, true));
        return;
    }
    if (do_dequeue(m_q.numbered(m_service_conn))) {
        do_release(m_held.back());
    } else {
        issue(fifo_cmd::mask(m_service_conn, false));
        m_service_active = false;
    }
}

void cosim_driver::error_step() {
    // Protocol errors of every kind; EMPTY and ok outcomes are fine too: the point is
    // that both back ends classify the operands the same way.
    const uint32_t nq = m_q.count();
    const uint32_t nb = m_p.descriptors + m_p.indirect;
    auto any_queue = [&] {
        switch (pick(4)) {
        case 0:
            return pick(m_p.classes + 1); // a free pool
        case 1:
            return nq + pick(4); // just out of range
        case 2:
            return static_cast<uint32_t>(m_rng()); // far out of range
        default:
            return pick(nq);
        }
    };
    auto any_buffer = [&] {
        switch (pick(3)) {
        case 0:
            return nb + pick(3);
        case 1:
            return static_cast<uint32_t>(m_rng());
        default:
            return pick(nb); // any state: spare, free, queued, linked, held
        }
    };
    auto any_class = [&] { return chance(0.5) ? m_p.classes + pick(3) : pick(m_p.classes); };
    fifo_cmd c;
    switch (pick(10)) {
    case 0:
        c = fifo_cmd::enqueue(any_queue(), any_buffer(), 1, 2);
        break;
    case 1:
        c = fifo_cmd::dequeue(any_queue());
        break;
    case 2:
        c = fifo_cmd::release(any_buffer());
        break;
    case 3:
        c = fifo_cmd::link(any_queue(), any_buffer());
        break;
    case 4:
        c = fifo_cmd::alloc(any_class());
        break;
    case 5:
        c = fifo_cmd::add_free(any_class(), 0xdead);
        break;
    case 6:
        c = fifo_cmd::remove_free(any_class());
        break;
    case 7:
        c = fifo_cmd::mask(chance(0.5) ? m_p.connections + pick(3) : pick(m_p.connections),
                           chance(0.5));
        break;
    case 8:
        c = fifo_cmd::status(any_queue());
        break;
    default:
        // Not a command. The RTL's op field is 4 bits wide; fifo_target rejects bad ops
        // before any back end sees them, so only 10..15 are meaningful here.
        c.op = static_cast<fifo_op>(10 + pick(6));
        break;
    }
    // Junk in operands the op does not use must be ignored by both.
    c.len = static_cast<uint32_t>(m_rng());
    c.tag = static_cast<uint32_t>(m_rng());
    if (c.op != fifo_op::add_free)
        c.addr = static_cast<uint32_t>(m_rng());
    if (c.op != fifo_op::mask)
        c.connection = static_cast<uint32_t>(m_rng());
    if (c.op != fifo_op::alloc && c.op != fifo_op::add_free && c.op != fifo_op::remove_free)
        c.cls = static_cast<uint32_t>(m_rng());
    issue(c);
}

std::string cosim_driver::drain() {
    m_storm_active = false;
    m_service_active = false;
    for (uint32_t k = 0; k < m_p.connections; ++k)
        if (m_ref.masked(k))
            issue(fifo_cmd::mask(k, false));
    for (uint32_t q = m_q.special(fifo_special::broadcast); q < m_q.count(); ++q) {
        while (m_ref.queue_count(q) != 0) {
            issue(fifo_cmd::dequeue(q));
            do_release(m_held.back());
        }
    }
    while (!m_held.empty())
        do_release(m_held.back());
    std::string problem = m_ref.check_drained();
    if (problem.empty())
        problem = m_dut.compare_state();
    return problem;
}

} // namespace evr::cosim
