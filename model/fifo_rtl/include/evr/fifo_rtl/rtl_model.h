// Pin-level access to one Verilated build of rtl/evr_fifo.sv. The bridge
// (rtl_fifo_backend) drives and samples these pins; which Verilation (parameter set,
// planted mutant) sits behind them is the factory's choice. No Verilator header here,
// so users of the bridge do not compile Verilated code.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "evr/fifo/fifo_cmd.h"
#include "evr/fifo/fifo_params.h"

namespace evr {

class rtl_model {
public:
    virtual ~rtl_model() = default;

    // The Verilation's parameters (Classes, Descriptors, Indirect, Connections): the
    // capacities that run-time sizes may not exceed.
    virtual const fifo_params& capacity() const = 0;
    // Name of the Verilation, e.g. "evr" (the product build) or "tiny".
    virtual const char* variant() const = 0;

    // Sets the size straps (cfg_*_i) to `sizes`, pulses rst_ni and clocks the
    // initialisation walk until cmd_ready_o. Returns the cycles the walk took.
    virtual uint64_t reset(const fifo_params& sizes) = 0;

    // Command inputs, driven between clock edges and settled (combinational logic
    // evaluated) before the next rising edge, as a synchronous testbench must: the
    // assertions sample values from before the edge.
    virtual void drive_command(const fifo_cmd& cmd, bool valid) = 0;
    // One clock cycle: rising edge of clk_i (flops take their inputs), then falling edge.
    // `drop_valid` lowers cmd_valid_i between the two edges (the command was taken).
    virtual void tick(bool drop_valid = false) = 0;
    virtual bool cmd_ready() const = 0;
    virtual bool rsp_valid() const = 0;
    // Copies the response pins into `rsp`.
    virtual void sample_response(fifo_rsp& rsp) const = 0;

    // Debug side port (combinational, no clock): count and high-water mark of queue `q`,
    // and the spare-list length. Only while idle with cmd_valid_i low.
    virtual void debug_queue(uint32_t q, uint32_t& count, uint32_t& high_water) = 0;
    virtual uint32_t debug_spare_count() = 0;

    // True once a SystemVerilog assertion has failed; Verilator printed its message
    // ("%Error: ... Assertion failed in ...<name>_A") on stdout.
    virtual bool assertion_failed() const = 0;
    // Clock cycles applied since construction (initialisation walk included).
    virtual uint64_t ticks() const = 0;

    // Waveform of the RTL (docs/waveforms.md): Verilator's VCD writer, timestamps in
    // picoseconds of the router's time base. The cycle of the next command comes from
    // set_cycle(); its pins change at the falling edge in the middle of that cycle
    // (c * period + period / 2) and the flops at the rising edges (c + n) * period, so
    // the RTL and the model line up in one viewer. Nothing is dumped outside
    // [from_ps, to_ps] except that the state at from_ps is dumped once, at from_ps.
    // False when this Verilation was built without tracing.
    virtual bool traceable() const = 0;
    virtual void start_trace(const std::string& vcd_path, uint64_t period_ps, uint64_t from_ps,
                             uint64_t to_ps) = 0;
    // Flushes and closes the VCD; `end_ps` is where the run stopped.
    virtual void stop_trace(uint64_t end_ps) = 0;
    // Cycle at which the next command issues (only the waveform uses it).
    virtual void set_cycle(uint64_t cycle) = 0;
};

// The product Verilation linked into evr_fifo_rtl (capacities in docs/rtl_fifo.md).
// `errors_expected` sets +evr_errors_expected so assertion ProtocolError_A stays quiet
// for stimulus that injects protocol errors on purpose.
std::unique_ptr<rtl_model> make_rtl_model_evr(bool errors_expected);

} // namespace evr
