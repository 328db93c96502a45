// The router top (patent 200): builds every engine, memory and the elastic FIFO from the
// configuration and binds their sockets. Runs until every input frame is delivered or
// dropped, or until nothing more can happen (frames left parked in the data store).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <systemc>

#include "evr/allocator/allocator.h"
#include "evr/assist/assist_engine.h"
#include "evr/config/config.h"
#include "evr/core/buffer_header.h"
#include "evr/core/cycles.h"
#include "evr/core/engine_context.h"
#include "evr/core/frame_events.h"
#include "evr/fifo/elastic_fifo_ref.h"
#include "evr/fifo/fifo_backend.h"
#include "evr/fifo/fifo_target.h"
#include "evr/fifo_rtl/fifo_backends.h"
#include "evr/host/vm_farm.h"
#include "evr/ingress/adapter.h"
#include "evr/local/local_engine.h"
#include "evr/lookup/connection_table.h"
#include "evr/mem/host_memory.h"
#include "evr/mem/sram.h"
#include "evr/parser/parser.h"
#include "evr/pool/pool_manager.h"
#include "evr/rxbuf/receive_buffer.h"
#include "evr/send/send_engine.h"
#include "evr/store/store_engine.h"

namespace evr::router {

// Everything the router needs besides the configuration: who the connections are and
// how their VMs behave, and where frames come from.
struct scenario {
    std::vector<lookup::connection_def> connections;
    std::vector<lookup::group_def> groups;
    std::optional<std::uint32_t> default_connection;
    std::vector<host::vm_behaviour> vms;          // one per connection
    std::vector<std::uint32_t> ring_entries;      // one per connection
    std::vector<std::uint32_t> ring_buffer_bytes; // one per connection
    std::vector<host::stall_episode> stalls;      // cycles from the start of traffic
    // A schedule drawn as the run goes (the built-in workload's), begun before `stalls`
    // on a shared cycle; each router makes its own source.
    std::function<std::unique_ptr<host::stall_source>()> stall_generator;
    ingress::frame_source* source = nullptr;
};

class router : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(router);
    router(sc_core::sc_module_name name, const config::config& cfg, scenario& sc);
    ~router() override;

    void add_listener(core::frame_listener* l) { m_events.add(l); }
    // Frames of the input not yet delivered or dropped (given by the outputs' ledger).
    std::function<std::uint64_t()> open_frames;

    const core::clock_domain& clock() const { return m_clock; }
    const ingress::adapter& adapter() const { return *m_adapter; }
    // The C++ reference of the tlm and lockstep back ends; throws std::logic_error under
    // `--fifo rtl`, which runs no reference. Statistics read fifo_stats() instead.
    const elastic_fifo_ref& fifo() const;
    // The FIFO's counts and checks from whichever back end runs (docs/rtl_fifo.md).
    const fifo_status& fifo_stats() const { return *m_fifo.status; }
    const fifo_target& fifo_port() const { return *m_fifo_target; }
    const fifo_queues& queues() const { return m_queues; }
    const pool::pool_manager& pools() const { return *m_pool; }
    const rxbuf::receive_buffer& rx() const { return *m_rx; }
    const allocator::allocator& alloc() const { return *m_alloc; }
    const host::vm_farm& vms() const { return *m_vms; }
    const parser::parser& head() const { return *m_parser; }
    const store::store_engine& storer() const { return *m_store; }
    const assist::assist_engine& assister() const { return *m_assist; }
    const local::local_engine& local() const { return *m_local; }
    const send::send_engine& sender() const { return *m_send; }
    const mem::sram& data_store() const { return *m_sram; }
    const mem::host_memory& host() const { return *m_host; }
    const lookup::connection_table& table() const { return m_table; }
    const core::frame_pool& frames() const { return m_frames; }
    std::uint32_t descriptors() const { return m_params.descriptors; }
    bool finished() const { return m_finished; }

    // Waveforms (docs/waveforms.md): hands `probe` to every engine, memory and the FIFO
    // port (nullptr detaches). The Verilated RTL of the rtl and lockstep back ends
    // (nullptr under tlm) dumps its own signals.
    void attach_probe(wave_probe* probe);
    rtl_model* fifo_rtl() const { return m_fifo.rtl; }

private:
    void watch_completion();

    core::clock_domain m_clock;
    lookup::connection_table m_table;
    fifo_params m_params;
    fifo_queues m_queues;
    core::frame_pool m_frames;
    core::frame_events m_events;
    core::buffer_headers m_headers;
    fifo_unit m_fifo; // the back end cfg.fifo.backend asks for, and its statistics view
    std::unique_ptr<fifo_target> m_fifo_target;
    std::unique_ptr<mem::sram> m_sram;
    std::unique_ptr<allocator::allocator> m_alloc;
    std::unique_ptr<host::vm_farm> m_vms;
    std::unique_ptr<mem::host_memory> m_host;
    std::unique_ptr<rxbuf::receive_buffer> m_rx;
    std::unique_ptr<pool::pool_manager> m_pool;
    std::unique_ptr<ingress::adapter> m_adapter;
    std::unique_ptr<core::engine_context> m_ctx; // what the engines share
    std::unique_ptr<send::send_engine> m_send;
    std::unique_ptr<store::store_engine> m_store;
    std::unique_ptr<assist::assist_engine> m_assist;
    std::unique_ptr<local::local_engine> m_local;
    std::unique_ptr<parser::parser> m_parser;
    std::vector<host::stall_episode> m_stalls;
    std::function<std::unique_ptr<host::stall_source>()> m_stall_generator;
    bool m_random_stalls = false;
    bool m_finished = false;
    core::wake_event m_progress;
    class progress_listener;
    std::unique_ptr<progress_listener> m_progress_listener;
};

} // namespace evr::router
