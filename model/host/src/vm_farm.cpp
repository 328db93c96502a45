#include "evr/host/vm_farm.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace evr::host {

vm_farm::vm_farm(sc_core::sc_module_name name, const core::clock_domain& clock,
                 const std::vector<vm_behaviour>& vms, allocator::allocator& alloc,
                 core::frame_events& events, std::uint64_t seed)
    : sc_module(name), m_clock(clock), m_alloc(alloc), m_events(events), m_vms(vms.size()),
      m_rng(seed ^ 0x766d5f6661726dULL) {
    for (std::size_t k = 0; k < vms.size(); ++k)
        m_vms[k].behaviour = vms[k];
    SC_METHOD(run_agenda);
    sensitive << m_wake;
    dont_initialize();
}

// Exponential draw with our own arithmetic: identical on every standard library.
core::cycle_t vm_farm::draw(core::cycle_t mean) {
    const double u = (static_cast<double>(m_rng() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
    return static_cast<core::cycle_t>(-std::log(u) * static_cast<double>(mean)) + 1;
}

stall_list::stall_list(std::vector<stall_episode> episodes) : m_episodes(std::move(episodes)) {
    std::stable_sort(
        m_episodes.begin(), m_episodes.end(),
        [](const stall_episode& a, const stall_episode& b) { return a.start < b.start; });
}

bool stall_list::next(stall_episode& e) {
    if (m_next == m_episodes.size())
        return false;
    e = m_episodes[m_next++];
    return true;
}

void vm_farm::add(core::cycle_t cycle, what kind, std::uint32_t conn, core::cycle_t duration) {
    push({cycle, m_seq++, kind, conn, duration});
}

void vm_farm::push(const agenda_item& it) {
    m_agenda.push(it);
    if (it.cycle < m_armed) {
        m_armed = it.cycle;
        m_wake.cancel();
        m_wake.notify(m_clock.until(it.cycle));
    }
}

void vm_farm::schedule(std::vector<std::unique_ptr<stall_source>> sources, core::cycle_t origin) {
    if (!m_sources.empty() || sources.size() >= 0xff)
        throw std::logic_error("vm_farm::schedule: call once, with fewer than 255 sources");
    m_origin = origin;
    for (auto& s : sources)
        m_sources.push_back({std::move(s), 0});
    for (std::uint32_t k = 0; k < m_sources.size(); ++k)
        draw_scheduled(k);
}

void vm_farm::schedule(const std::vector<stall_episode>& episodes, core::cycle_t origin) {
    std::vector<std::unique_ptr<stall_source>> sources;
    sources.push_back(std::make_unique<stall_list>(episodes));
    schedule(std::move(sources), origin);
}

// Puts source `k`'s next episode on the agenda (the one before it has just begun).
void vm_farm::draw_scheduled(std::uint32_t k) {
    scheduled_source& s = m_sources[k];
    stall_episode e;
    if (!s.source->next(e))
        return;
    const std::uint64_t seq = std::uint64_t{k} << 56 | s.drawn++;
    push({m_origin + e.start, seq, what::stall_begin, e.conn, e.forever ? 0 : e.duration, k});
}

void vm_farm::start_random_stalls(core::cycle_t origin) {
    for (std::uint32_t k = 0; k < m_vms.size(); ++k) {
        const vm_behaviour& b = m_vms[k].behaviour;
        if (b.random_stalls)
            add(origin + draw(b.mean_interval), what::stall_begin, k, draw(b.mean_duration));
    }
}

void vm_farm::on_host_write(const mem::frame_ext& frame, const std::uint8_t* data,
                            std::uint32_t cap_len, core::cycle_t cycle) {
    m_alloc.return_credit();
    ++m_delivered;
    m_events.delivered({frame.index, frame.conn, data, cap_len, frame.orig_len, cycle}, frame.path);
    vm_state& vm = m_vms[frame.conn];
    vm.inbox.push_back(m_alloc.buffers_needed(frame.conn, frame.orig_len));
    if (!vm.serving && !vm.stalled)
        start_service(frame.conn, cycle);
}

void vm_farm::start_service(std::uint32_t conn, core::cycle_t now) {
    m_vms[conn].serving = true;
    add(now + m_vms[conn].behaviour.service_cycles, what::service_done, conn);
}

void vm_farm::finish_service(std::uint32_t conn, core::cycle_t now) {
    vm_state& vm = m_vms[conn];
    vm.serving = false;
    const std::uint32_t buffers = vm.inbox.front();
    vm.inbox.pop_front();
    m_alloc.repost(conn, buffers);
    if (!vm.inbox.empty())
        start_service(conn, now);
}

void vm_farm::run_agenda() {
    const core::cycle_t now = m_clock.now();
    while (!m_agenda.empty() && m_agenda.top().cycle <= now) {
        const agenda_item it = m_agenda.top();
        m_agenda.pop();
        vm_state& vm = m_vms[it.conn];
        switch (it.kind) {
        case what::service_done:
            // A stalled VM finishes nothing: the consumption completes when it resumes.
            if (vm.stalled)
                vm.done_while_stalled = true;
            else
                finish_service(it.conn, now);
            break;
        case what::stall_begin:
            if (it.source != no_source)
                draw_scheduled(it.source);
            ++m_episodes;
            ++vm.episodes;
            if (vm.stall_depth++ == 0) {
                vm.stalled = true;
                vm.stalled_since = now;
                ++m_stalled_count;
                if (m_probe)
                    m_probe->changed(wave_unit::vms, it.conn);
            }
            if (it.duration != 0)
                add(now + it.duration, what::stall_end, it.conn);
            break;
        case what::stall_end:
            if (--vm.stall_depth == 0) {
                vm.stalled = false;
                vm.stalled_cycles += now - vm.stalled_since;
                --m_stalled_count;
                if (m_probe)
                    m_probe->changed(wave_unit::vms, it.conn);
                if (vm.done_while_stalled) {
                    vm.done_while_stalled = false;
                    finish_service(it.conn, now);
                } else if (!vm.serving && !vm.inbox.empty()) {
                    start_service(it.conn, now);
                }
            }
            if (vm.behaviour.random_stalls && m_random_enabled) {
                add(now + draw(vm.behaviour.mean_interval), what::stall_begin, it.conn,
                    draw(vm.behaviour.mean_duration));
            }
            break;
        }
    }
    m_armed = ~core::cycle_t{0};
    if (!m_agenda.empty()) {
        m_armed = m_agenda.top().cycle;
        m_wake.notify(m_clock.until(m_armed));
    }
}

} // namespace evr::host
