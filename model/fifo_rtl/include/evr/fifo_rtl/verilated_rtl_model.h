// rtl_model over one Verilated class V (verilator --cc of rtl/evr_fifo.sv). Included only
// by the generated per-Verilation source (rtl_model_variant.cpp.in), the one place that
// sees Verilator's headers.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <verilated.h>
#include <verilated_vcd_c.h>

#include "evr/fifo_rtl/rtl_model.h"

namespace evr {

// The waveform side of a traced Verilation (verilator --trace). A separate class so that a
// Verilation without tracing never references Verilator's VCD writer (it is not linked).
class rtl_tracer {
public:
    virtual ~rtl_tracer() = default;
    // Called before the inputs or the clock change for time t_ps: writes what is due
    // before t_ps (the pending falling edge, the state at the window start).
    virtual void before(uint64_t t_ps) = 0;
    // The model was evaluated for time t_ps (a drive or a rising edge): dump it now.
    virtual void at(uint64_t t_ps) = 0;
    // A falling edge at t_ps: dumped lazily, because a command issued in the very next
    // cycle drives its pins at the same time (one dump per time only).
    virtual void falling(uint64_t t_ps) = 0;
    virtual void stop(uint64_t end_ps) = 0;
};

template <class V>
class vcd_rtl_tracer final : public rtl_tracer {
public:
    vcd_rtl_tracer(VerilatedContext& ctx, V& top, const std::string& path, uint64_t from_ps,
                   uint64_t to_ps)
        : m_from(from_ps), m_to(to_ps) {
        ctx.traceEverOn(true);
        ctx.timeunit(-12); // timestamps are the model's picoseconds
        ctx.timeprecision(-12);
        top.trace(&m_vcd, 99);
        m_vcd.open(path.c_str());
        if (!m_vcd.isOpen())
            throw std::runtime_error(path + ": cannot write the RTL waveform");
    }
    void before(uint64_t t) override {
        if (m_fall && *m_fall < t)
            dump(*m_fall);
        m_fall.reset();
        if (!m_started && t > m_from && m_from <= m_to) {
            // Nothing changed since the last dump before the window: this is the state at
            // its start.
            m_vcd.dump(m_from);
            m_started = true;
        }
    }
    void at(uint64_t t) override { dump(t); }
    void falling(uint64_t t) override { m_fall = t; }
    void stop(uint64_t end_ps) override {
        before(end_ps + 1); // a falling edge still pending, the window start
        if (!m_started && m_from <= m_to)
            m_vcd.dump(m_from);
        m_vcd.close();
    }

private:
    void dump(uint64_t t) {
        if (t < m_from || t > m_to)
            return;
        if (!m_started && t > m_from)
            m_vcd.dump(m_from);
        m_started = true;
        m_vcd.dump(t);
    }

    VerilatedVcdC m_vcd;
    uint64_t m_from;
    uint64_t m_to;
    bool m_started = false;
    std::optional<uint64_t> m_fall;
};

template <class V, bool Traced>
class verilated_rtl_model final : public rtl_model {
public:
    verilated_rtl_model(const char* variant, const fifo_params& capacity, bool errors_expected)
        : m_variant(variant), m_capacity(capacity), m_ctx(std::make_unique<VerilatedContext>()) {
        // A failed assertion must not abort the process: it marks the context, and the
        // bridge turns that into an exception naming the command.
        m_ctx->fatalOnError(false);
        const char* args[] = {"evr_fifo", "+evr_errors_expected"};
        m_ctx->commandArgs(errors_expected ? 2 : 1, args);
        Verilated::threadContextp(m_ctx.get());
        m_top = std::make_unique<V>(m_ctx.get(), "evr_fifo");
    }
    ~verilated_rtl_model() override {
        Verilated::threadContextp(m_ctx.get());
        m_tracer.reset();
        m_top->final();
    }

    const fifo_params& capacity() const override { return m_capacity; }
    const char* variant() const override { return m_variant; }

    uint64_t reset(const fifo_params& sizes) override {
        V& t = *m_top;
        t.cfg_classes_i = sizes.classes;
        t.cfg_descriptors_i = sizes.descriptors;
        t.cfg_indirect_i = sizes.indirect;
        t.cfg_connections_i = sizes.connections;
        t.cmd_valid_i = 0;
        t.dbg_queue_i = 0;
        t.clk_i = 0;
        t.rst_ni = 0;
        eval();
        t.rst_ni = 1;
        eval();
        const uint64_t start = m_ticks;
        // The walk visits max(descriptors + indirect, queues) entries, one per cycle.
        const uint64_t limit = uint64_t{sizes.descriptors} + sizes.indirect + sizes.classes + 5 +
                               sizes.connections + 4;
        while (!t.cmd_ready_o) {
            if (m_ticks - start > limit)
                throw std::logic_error(std::string("rtl model ") + m_variant +
                                       ": initialisation walk did not finish");
            tick(false);
        }
        return m_ticks - start;
    }

    void drive_command(const fifo_cmd& c, bool valid) override {
        V& t = *m_top;
        const uint64_t when = m_cycle * m_period + m_period / 2;
        if (m_tracer)
            m_tracer->before(when);
        t.cmd_valid_i = valid;
        t.cmd_op_i = static_cast<uint8_t>(c.op);
        t.cmd_masked_i = c.masked;
        t.cmd_queue_i = c.queue;
        t.cmd_buffer_i = c.buffer;
        t.cmd_class_i = c.cls;
        t.cmd_len_i = c.len;
        t.cmd_tag_i = c.tag;
        t.cmd_addr_i = c.addr;
        t.cmd_connection_i = c.connection;
        eval();
        if (m_tracer)
            m_tracer->at(when);
    }

    void tick(bool drop_valid) override {
        ++m_cycle;
        if (m_tracer)
            m_tracer->before(m_cycle * m_period);
        m_top->clk_i = 1;
        eval();
        if (m_tracer)
            m_tracer->at(m_cycle * m_period);
        if (drop_valid)
            m_top->cmd_valid_i = 0;
        m_top->clk_i = 0;
        eval();
        if (m_tracer)
            m_tracer->falling(m_cycle * m_period + m_period / 2);
        ++m_ticks;
    }

    bool cmd_ready() const override { return m_top->cmd_ready_o; }
    bool rsp_valid() const override { return m_top->rsp_valid_o; }

    void sample_response(fifo_rsp& r) const override {
        const V& t = *m_top;
        r.result = static_cast<fifo_result>(t.rsp_result_o);
        r.error = static_cast<fifo_error>(t.rsp_error_o);
        r.is_indirect = t.rsp_is_indirect_o;
        r.freed = t.rsp_freed_o;
        r.buffer = t.rsp_buffer_o;
        r.normal = t.rsp_normal_o;
        r.len = t.rsp_len_o;
        r.tag = t.rsp_tag_o;
        r.use = t.rsp_use_o;
        r.addr = t.rsp_addr_o;
        r.connection = t.rsp_connection_o;
        r.count = t.rsp_count_o;
        r.high_water = t.rsp_high_water_o;
    }

    void debug_queue(uint32_t q, uint32_t& count, uint32_t& high_water) override {
        m_top->dbg_queue_i = q;
        eval(); // combinational only: no clock edge, no state change
        count = m_top->dbg_count_o;
        high_water = m_top->dbg_high_water_o;
        if (m_tracer) {
            // Keep the statistics reads out of the waveform.
            m_top->dbg_queue_i = 0;
            eval();
        }
    }
    uint32_t debug_spare_count() override { return m_top->dbg_spare_count_o; }

    bool assertion_failed() const override { return m_ctx->gotError(); }
    uint64_t ticks() const override { return m_ticks; }

    bool traceable() const override { return Traced; }
    void start_trace(const std::string& path, uint64_t period_ps, uint64_t from_ps,
                     uint64_t to_ps) override {
        if constexpr (Traced) {
            Verilated::threadContextp(m_ctx.get());
            m_period = period_ps;
            m_tracer = std::make_unique<vcd_rtl_tracer<V>>(*m_ctx, *m_top, path, from_ps, to_ps);
        } else {
            throw std::logic_error(std::string("rtl model ") + m_variant +
                                   ": Verilated without tracing");
        }
    }
    void stop_trace(uint64_t end_ps) override {
        if (m_tracer) {
            Verilated::threadContextp(m_ctx.get());
            m_tracer->stop(end_ps);
            m_tracer.reset();
        }
    }
    void set_cycle(uint64_t cycle) override { m_cycle = cycle; }

private:
    void eval() {
        // Verilator reports assertion failures to the thread's current context; several
        // models (lockstep, tests) may live in one thread.
        Verilated::threadContextp(m_ctx.get());
        m_top->eval();
        m_ctx->time(m_ticks * 2 + m_top->clk_i);
    }

    const char* m_variant;
    fifo_params m_capacity;
    std::unique_ptr<VerilatedContext> m_ctx;
    std::unique_ptr<V> m_top;
    uint64_t m_ticks = 0;
    // Waveform only: null unless start_trace() was called.
    std::unique_ptr<rtl_tracer> m_tracer;
    uint64_t m_cycle = 0;  // cycle of the command in flight, advanced by tick()
    uint64_t m_period = 0; // picoseconds per cycle
};

} // namespace evr
