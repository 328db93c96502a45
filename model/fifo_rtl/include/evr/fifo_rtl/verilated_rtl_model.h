// rtl_model over one Verilated class V (verilator --cc of rtl/evr_fifo.sv). Included only
// by the generated per-Verilation source (rtl_model_variant.cpp.in), the one place that
// sees Verilator's headers.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include <verilated.h>

#include "evr/fifo_rtl/rtl_model.h"

namespace evr {

template <class V>
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
    }

    void tick(bool drop_valid) override {
        m_top->clk_i = 1;
        eval();
        if (drop_valid)
            m_top->cmd_valid_i = 0;
        m_top->clk_i = 0;
        eval();
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
    }
    uint32_t debug_spare_count() override { return m_top->dbg_spare_count_o; }

    bool assertion_failed() const override { return m_ctx->gotError(); }
    uint64_t ticks() const override { return m_ticks; }

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
};

} // namespace evr
