// Named-assertion macros of the elastic FIFO RTL (in the spirit of lowRISC's
// prim_assert): a named immediate assertion checked on every rising edge of clk_i while
// rst_ni is high, with a message that names it so a co-simulation log points at the
// broken invariant. Use `a -> b` (logical implication) for "whenever a, then b".
//
// Immediate assertions in a clocked process read every signal as it was just before the
// edge, like the flops do. Concurrent assertions (assert property) would be equivalent,
// but Verilator 5.006 implements their sampling by copying each sampled variable on
// every evaluation, including whole memories whose read port it inlined: 50x slower
// co-simulation at the product sizes.
// Verification only: the macro expands to nothing for synthesis.
`ifndef EVR_FIFO_ASSERT_SVH
`define EVR_FIFO_ASSERT_SVH

`ifndef SYNTHESIS
`define EVR_ASSERT(__name, __prop) \
  always_ff @(posedge clk_i) begin \
    if (rst_ni) begin \
      __name: assert (__prop) else $error("%m: assertion %s failed", `"__name`"); \
    end \
  end
`else
`define EVR_ASSERT(__name, __prop)
`endif

`endif
