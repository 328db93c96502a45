// The host side: one VM per connection, each with a ring of posted receive buffers (held
// by the allocator as the connection-specific resource). A VM consumes the frames written
// into its buffers one at a time (service time) and re-posts the buffers; during a stall
// episode it consumes nothing, so its ring runs dry and its frames wait in the elastic
// FIFO. Stalls come from a schedule (built-in workload, host-availability trace) or are
// drawn at random from the seed. One SC_METHOD runs every VM from a time-ordered agenda.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include <systemc>

#include "evr/allocator/allocator.h"
#include "evr/core/cycles.h"
#include "evr/core/frame_events.h"
#include "evr/mem/host_memory.h"

namespace evr::host {

struct stall_episode {
    std::uint32_t conn = 0;
    core::cycle_t start = 0;
    core::cycle_t duration = 0; // 0 with `forever`
    bool forever = false;       // availability trace: stalled until a resume that never came
};

// Stall episodes handed to the farm one at a time, in non-decreasing `start`: a schedule
// drawn as it is consumed keeps memory independent of the length of the run.
class stall_source {
public:
    virtual ~stall_source() = default;
    virtual bool next(stall_episode& e) = 0;
};

// A fixed list (an availability trace, a test's episodes), in order of start; episodes
// that start on the same cycle keep their order in the list.
class stall_list : public stall_source {
public:
    explicit stall_list(std::vector<stall_episode> episodes);
    bool next(stall_episode& e) override;

private:
    std::vector<stall_episode> m_episodes;
    std::size_t m_next = 0;
};

struct vm_behaviour {
    std::uint32_t service_cycles = 250;
    bool random_stalls = false;      // this VM draws its own stall episodes
    core::cycle_t mean_interval = 0; // between random stalls
    core::cycle_t mean_duration = 0; // of a random stall
};

// Reads "time_ns,connection,event" lines (event: stall | resume; '#' comments). Connection
// names are resolved through `names`. Throws evr::input_error naming FILE:LINE.
std::vector<stall_episode> read_availability_trace(const std::string& path,
                                                   const std::vector<std::string>& names,
                                                   const core::clock_domain& clock);

class vm_farm : public sc_core::sc_module, public mem::host_write_sink {
public:
    SC_HAS_PROCESS(vm_farm);
    vm_farm(sc_core::sc_module_name name, const core::clock_domain& clock,
            const std::vector<vm_behaviour>& vms, allocator::allocator& alloc,
            core::frame_events& events, std::uint64_t seed);

    // Stall episodes in cycles from the start of traffic (`origin`); call once, before
    // traffic. Each source is drawn one episode ahead; episodes that begin on the same
    // cycle begin in the order of the sources, then of each source.
    void schedule(std::vector<std::unique_ptr<stall_source>> sources, core::cycle_t origin);
    void schedule(const std::vector<stall_episode>& episodes, core::cycle_t origin);
    void start_random_stalls(core::cycle_t origin);
    // No new random episodes from now on (the input has ended); running ones finish.
    void stop_random_stalls() { m_random_enabled = false; }

    void on_host_write(const mem::frame_ext& frame, const std::uint8_t* data, std::uint32_t cap_len,
                       core::cycle_t cycle) override;

    std::uint32_t stalled_now() const { return m_stalled_count; }
    std::uint64_t stall_episodes() const { return m_episodes; }
    bool stalled(std::uint32_t conn) const { return m_vms[conn].stalled; }
    // Per VM: stall episodes begun, and cycles spent stalled up to `now` (a VM still
    // stalled counts until now).
    std::uint64_t stall_episodes(std::uint32_t conn) const { return m_vms[conn].episodes; }
    core::cycle_t stalled_cycles(std::uint32_t conn, core::cycle_t now) const {
        const vm_state& vm = m_vms[conn];
        return vm.stalled_cycles + (vm.stalled ? now - vm.stalled_since : 0);
    }
    std::uint64_t delivered() const { return m_delivered; }

    // Waveforms (docs/waveforms.md): null unless a waveform is written.
    void attach_probe(wave_probe* probe) { m_probe = probe; }

private:
    probe_ref m_probe;
    enum class what : std::uint8_t { service_done, stall_begin, stall_end };
    // An episode from a stall source sorts before every other item of its cycle, as if
    // the whole schedule had been added first: seq is its source's rank in the top byte
    // and its place in the source below; everything else counts up from other_seq.
    static constexpr std::uint64_t other_seq = std::uint64_t{0xff} << 56;
    static constexpr std::uint32_t no_source = ~std::uint32_t{0};
    struct agenda_item {
        core::cycle_t cycle;
        std::uint64_t seq; // ties broken in scheduling order: deterministic
        what kind;
        std::uint32_t conn;
        core::cycle_t duration = 0;       // stall_begin
        std::uint32_t source = no_source; // stall_begin drawn from m_sources[source]
        bool operator>(const agenda_item& o) const {
            return cycle != o.cycle ? cycle > o.cycle : seq > o.seq;
        }
    };
    struct vm_state {
        vm_behaviour behaviour;
        std::deque<std::uint32_t> inbox; // buffers used by each frame not yet consumed
        bool serving = false;
        bool done_while_stalled = false;
        bool stalled = false;
        std::uint32_t stall_depth = 0; // overlapping episodes
        std::uint64_t episodes = 0;
        core::cycle_t stalled_since = 0;
        core::cycle_t stalled_cycles = 0; // completed stalls
    };

    void add(core::cycle_t cycle, what kind, std::uint32_t conn, core::cycle_t duration = 0);
    void push(const agenda_item& it);
    void draw_scheduled(std::uint32_t source);
    void run_agenda();
    void start_service(std::uint32_t conn, core::cycle_t now);
    void finish_service(std::uint32_t conn, core::cycle_t now);
    core::cycle_t draw(core::cycle_t mean);

    const core::clock_domain& m_clock;
    allocator::allocator& m_alloc;
    core::frame_events& m_events;
    std::vector<vm_state> m_vms;
    std::priority_queue<agenda_item, std::vector<agenda_item>, std::greater<agenda_item>> m_agenda;
    std::uint64_t m_seq = other_seq;
    struct scheduled_source {
        std::unique_ptr<stall_source> source;
        std::uint64_t drawn = 0;
    };
    std::vector<scheduled_source> m_sources;
    core::cycle_t m_origin = 0;
    std::mt19937_64 m_rng;
    sc_core::sc_event m_wake;
    core::cycle_t m_armed = ~core::cycle_t{0}; // cycle m_wake is notified for
    bool m_random_enabled = true;
    std::uint32_t m_stalled_count = 0;
    std::uint64_t m_episodes = 0;
    std::uint64_t m_delivered = 0;
};

} // namespace evr::host
