// Round-robin PICK of the elastic FIFO: the set of eligible connections (numbered queue
// non-empty and not masked) as a three-level bitmap, and a one-cycle search for the first
// eligible connection at or after a start index, wrapping around.
//
//   level 0: one bit per connection, Words0 words of 64 bits
//   level 1: one bit per level-0 word (word != 0), Words1 words of 64 bits
//   level 2: one bit per level-1 word (word != 0), one word of 64 bits
//
// A search reads at most two words per level and runs a 64-bit priority encoder
// (evr_fifo_pkg::ctz64) on each, so its depth grows with log2(Connections) rather than
// with Connections: PICK is one cycle for any size up to 64^3 = 262144 connections.
// An update changes one connection's bit and refreshes its level-1 and level-2 summary
// bits in the same cycle (the new level-0 word is known combinationally).
module evr_fifo_rr_pick #(
  // Numbered queues (connections) the bitmap can hold; 1 .. 262144.
  parameter int unsigned Connections = 64,
  // Derived; do not override.
  localparam int unsigned ConnW  = (Connections > 1) ? $clog2(Connections) : 1,
  localparam int unsigned Words0 = (Connections + 63) / 64,
  localparam int unsigned Words1 = (Words0 + 63) / 64,
  localparam int unsigned W0W    = (Words0 > 1) ? $clog2(Words0) : 1,
  localparam int unsigned W1W    = (Words1 > 1) ? $clog2(Words1) : 1
) (
  input  logic             clk_i,
  // Initialisation: clear level-0 word clr_idx_i and, where they exist, level-1 word
  // clr_idx_i and (at index 0) the level-2 word.
  input  logic             clr_i,
  input  logic [31:0]      clr_idx_i,
  // Update: connection upd_conn_i becomes eligible (upd_eligible_i = 1) or not.
  input  logic             upd_i,
  input  logic [ConnW-1:0] upd_conn_i,
  input  logic             upd_eligible_i,
  // Search: first eligible connection at or after start_i, wrapping to 0; combinational.
  input  logic [ConnW-1:0] start_i,
  output logic             found_o,
  output logic [ConnW-1:0] conn_o
);

  import evr_fifo_pkg::*;

  // Connections above 2^18 would need a fourth level.
  if (Words1 > 64) begin : gen_too_many_connections
    $error("evr_fifo_rr_pick: Connections must be at most 262144");
  end

  logic [63:0] l0_q [Words0];
  logic [63:0] l1_q [Words1];
  logic [63:0] l2_q;

  // ---- update -------------------------------------------------------------------------
  logic [W0W-1:0] upd_w0;
  logic [W1W-1:0] upd_w1;
  logic [63:0]    upd_l0, upd_l1, upd_l2;

  always_comb begin
    upd_w0 = W0W'(upd_conn_i >> 6);
    upd_w1 = W1W'(upd_conn_i >> 12);
    upd_l0 = l0_q[upd_w0];
    upd_l0[6'(upd_conn_i)] = upd_eligible_i;
    upd_l1 = l1_q[upd_w1];
    upd_l1[6'(upd_w0)] = (upd_l0 != '0);
    upd_l2 = l2_q;
    upd_l2[6'(upd_w1)] = (upd_l1 != '0);
  end

  always_ff @(posedge clk_i) begin
    if (clr_i) begin
      if (clr_idx_i < Words0) l0_q[W0W'(clr_idx_i)] <= '0;
      if (clr_idx_i < Words1) l1_q[W1W'(clr_idx_i)] <= '0;
      if (clr_idx_i == 0) l2_q <= '0;
    end else if (upd_i) begin
      l0_q[upd_w0] <= upd_l0;
      l1_q[upd_w1] <= upd_l1;
      l2_q         <= upd_l2;
    end
  end

  // ---- search -------------------------------------------------------------------------
  // Bits of `v` at positions >= `from` (from in 0..63), and strictly above `from`.
  function automatic logic [63:0] at_or_above(logic [63:0] v, logic [5:0] from);
    at_or_above = v & ({64{1'b1}} << from);
  endfunction
  function automatic logic [63:0] above(logic [63:0] v, logic [5:0] from);
    above = v & (({64{1'b1}} << from) << 1);
  endfunction

  logic [W0W-1:0] s_w0;  // level-0 word of the start
  logic [W1W-1:0] s_w1;  // level-1 word of the start
  logic [63:0]    cand0, cand1, cand2;
  logic [5:0]     z0, z1, z2, zt, zl1;
  logic [W0W-1:0] hit_w0;
  logic [W1W-1:0] hit_w1;
  logic [5:0]     hit_bit;

  always_comb begin
    s_w0  = W0W'(start_i >> 6);
    s_w1  = W1W'(start_i >> 12);
    // Same word as the start, at or above it.
    cand0 = at_or_above(l0_q[s_w0], 6'(start_i));
    // A later level-0 word under the start's level-1 word.
    cand1 = above(l1_q[s_w1], 6'(s_w0));
    // A later level-1 word.
    cand2 = above(l2_q, 6'(s_w1));
    z0 = ctz64(cand0);
    z1 = ctz64(cand1);
    z2 = ctz64(cand2);
    zt = ctz64(l2_q);  // wrap around: the first eligible connection of all
    found_o = 1'b1;
    zl1     = '0;
    hit_w0  = s_w0;
    hit_w1  = s_w1;
    if (cand0 != '0) begin
      hit_w0 = s_w0;
    end else if (cand1 != '0) begin
      hit_w0 = W0W'({32'(s_w1), z1});
    end else begin
      if (cand2 != '0) begin
        hit_w1 = W1W'(z2);
      end else begin
        hit_w1 = W1W'(zt);
        found_o = (l2_q != '0);
      end
      zl1    = ctz64(l1_q[hit_w1]);
      hit_w0 = W0W'({32'(hit_w1), zl1});
    end
    hit_bit = (cand0 != '0) ? z0 : ctz64(l0_q[hit_w0]);
    conn_o  = ConnW'({32'(hit_w0), hit_bit});
  end

  // With fewer than 4096 connections a level-1 index has fewer than 6 bits: the upper
  // bits of these encodings are 0 and deliberately unused (lowRISC's unused_ idiom).
  logic unused_upper;
  assign unused_upper = ^{z2, zt};

endmodule
