// Elastic FIFO (patent 7,751,400 FIG. 4, element 500): command, result, error and
// descriptor-state encodings shared by the RTL modules. The numeric values equal the C++
// enums of model/fifo/include/evr/fifo/fifo_cmd.h (fifo_op, fifo_result, fifo_error), so
// the Verilator bridge copies them pin to field without a translation table.
package evr_fifo_pkg;

  // Commands (docs/elastic_fifo.md, cycle table).
  typedef enum logic [3:0] {
    OpAlloc      = 4'd0,
    OpEnqueue    = 4'd1,
    OpDequeue    = 4'd2,
    OpRelease    = 4'd3,
    OpLink       = 4'd4,
    OpAddFree    = 4'd5,
    OpRemoveFree = 4'd6,
    OpPick       = 4'd7,
    OpMask       = 4'd8,
    OpStatus     = 4'd9
  } op_e;

  typedef enum logic [1:0] {
    ResOk    = 2'd0,
    ResEmpty = 2'd1,
    ResError = 2'd2
  } result_e;

  // Protocol errors, in the contract's order of precedence where several apply.
  typedef enum logic [3:0] {
    ErrNone              = 4'd0,
    ErrBadOp             = 4'd1,
    ErrQueueOutOfRange   = 4'd2,
    ErrQueueIsFreePool   = 4'd3,
    ErrClassOutOfRange   = 4'd4,
    ErrConnOutOfRange    = 4'd5,
    ErrBufferOutOfRange  = 4'd6,
    ErrBufferIsSpare     = 4'd7,
    ErrBufferIsFree      = 4'd8,
    ErrBufferIsQueued    = 4'd9,
    ErrBufferIsLinked    = 4'd10,
    ErrBufferNotNormal   = 4'd11
  } error_e;

  // Life cycle of a descriptor (contract, "Descriptor states").
  typedef enum logic [2:0] {
    StSpare  = 3'd0,
    StFree   = 3'd1,
    StHeld   = 3'd2,
    StQueued = 3'd3,
    StLinked = 3'd4
  } buf_state_e;

  // Fixed latency of each command in cycles, issue to response. Not a command: 1 cycle,
  // like the reference (it answers ERROR / bad op).
  function automatic logic [1:0] latency(logic [3:0] op);
    case (op)
      OpAlloc, OpEnqueue, OpAddFree, OpRemoveFree: latency = 2'd2;
      OpDequeue, OpRelease, OpLink:                latency = 2'd3;
      default:                                     latency = 2'd1;
    endcase
  endfunction

  // Index of the lowest set bit of `v` (63 when v is 0: callers test v != 0 first). A
  // six-step binary search, i.e. a log-depth priority encoder, so PICK stays one cycle
  // whatever the connection count.
  function automatic logic [5:0] ctz64(logic [63:0] v);
    logic [63:0] x;
    logic [5:0] n;
    x = v;
    n = '0;
    if (x[31:0] == '0) begin n[5] = 1'b1; x = x >> 32; end
    if (x[15:0] == '0) begin n[4] = 1'b1; x = x >> 16; end
    if (x[7:0] == '0)  begin n[3] = 1'b1; x = x >> 8;  end
    if (x[3:0] == '0)  begin n[2] = 1'b1; x = x >> 4;  end
    if (x[1:0] == '0)  begin n[1] = 1'b1; x = x >> 2;  end
    if (x[0] == 1'b0)  begin n[0] = 1'b1; end
    ctz64 = n;
  endfunction

endpackage
