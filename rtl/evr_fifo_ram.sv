// One memory of the elastic FIFO: Depth words of Width bits, one write port (written on
// the rising clock edge) and one read port with an asynchronous (same-cycle) read.
//
// Every descriptor and queue-table memory of evr_fifo is one of these, so a technology
// port replaces this one file. The array has no reset: like an SRAM, its contents are
// undefined until evr_fifo's initialisation walk has written every word it will read.
// A same-cycle read maps onto flop/latch register files or FPGA distributed RAM; a
// synchronous-read SRAM macro would need each read issued one stage earlier, which the
// command budgets of docs/rtl_fifo.md discuss.
module evr_fifo_ram #(
  // Number of bits per word.
  parameter int unsigned Width = 8,
  // Number of words.
  parameter int unsigned Depth = 16,
  // Address width, derived; do not override.
  localparam int unsigned AddrW = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  logic             clk_i,
  input  logic             we_i,
  input  logic [AddrW-1:0] waddr_i,
  input  logic [Width-1:0] wdata_i,
  input  logic [AddrW-1:0] raddr_i,
  output logic [Width-1:0] rdata_o
);

  logic [Width-1:0] mem_q [Depth];

  always_ff @(posedge clk_i) begin
    if (we_i) begin
      mem_q[waddr_i] <= wdata_i;
    end
  end

  assign rdata_o = mem_q[raddr_i];

endmodule
