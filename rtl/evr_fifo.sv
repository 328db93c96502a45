// Elastic FIFO (US 7,751,400 FIG. 4, element 500): linked lists of buffer descriptors in
// shared memories, behind the one-command-at-a-time port of docs/elastic_fifo.md. Every
// command answers after exactly its contract latency (PICK/MASK/STATUS 1, ALLOC/ENQUEUE/
// ADD_FREE/REMOVE_FREE 2, DEQUEUE/RELEASE/LINK 3 cycles), whatever the data.
// Micro-architecture, per-command stages and assertions: docs/rtl_fifo.md.
//
// Parameters are capacities (memory depths and widths fixed when the chip is built); the
// cfg_*_i straps choose the sizes actually used, at most the capacities, so one build
// serves every configuration of the model. The straps are sampled by the initialisation
// walk after reset and must stay stable while rst_ni is high.
`include "evr_fifo_assert.svh"

module evr_fifo
  import evr_fifo_pkg::*;
#(
  // Normal-buffer size classes (free pools) the design can hold; >= 1.
  parameter int unsigned Classes     = 4,
  // Normal-buffer descriptors; >= 1.
  parameter int unsigned Descriptors = 1024,
  // Indirect-buffer descriptors; >= 1 (a strap of 0 disables fan-out at run time).
  parameter int unsigned Indirect    = 1024,
  // Numbered queues, one per connection; 1 .. 262144 (evr_fifo_rr_pick).
  parameter int unsigned Connections = 256
) (
  input  logic        clk_i,
  input  logic        rst_ni,

  // Run-time sizes (straps), each at most the matching parameter.
  input  logic [31:0] cfg_classes_i,
  input  logic [31:0] cfg_descriptors_i,
  input  logic [31:0] cfg_indirect_i,
  input  logic [31:0] cfg_connections_i,

  // Command: taken on a rising edge with cmd_valid_i and cmd_ready_o high. cmd_ready_o is
  // low during the initialisation walk and while a command is in flight.
  input  logic        cmd_valid_i,
  output logic        cmd_ready_o,
  input  logic [3:0]  cmd_op_i,          // evr_fifo_pkg::op_e
  input  logic        cmd_masked_i,      // MASK
  input  logic [31:0] cmd_queue_i,       // ENQUEUE, DEQUEUE, LINK, STATUS
  input  logic [31:0] cmd_buffer_i,      // ENQUEUE, RELEASE, LINK (the normal buffer)
  input  logic [31:0] cmd_class_i,       // ALLOC, ADD_FREE, REMOVE_FREE
  input  logic [31:0] cmd_len_i,         // ENQUEUE
  input  logic [31:0] cmd_tag_i,         // ENQUEUE
  input  logic [31:0] cmd_addr_i,        // ADD_FREE (SRAM address)
  input  logic [31:0] cmd_connection_i,  // MASK

  // Response: rsp_valid_o is high for the one cycle that ends the command; the fields
  // hold until the next response. Fields a command does not produce are 0.
  output logic        rsp_valid_o,
  output logic [1:0]  rsp_result_o,      // evr_fifo_pkg::result_e
  output logic [3:0]  rsp_error_o,       // evr_fifo_pkg::error_e
  output logic        rsp_is_indirect_o,
  output logic        rsp_freed_o,
  output logic [31:0] rsp_buffer_o,
  output logic [31:0] rsp_normal_o,
  output logic [31:0] rsp_len_o,
  output logic [31:0] rsp_tag_o,
  output logic [31:0] rsp_use_o,
  output logic [31:0] rsp_addr_o,
  output logic [31:0] rsp_connection_o,
  output logic [31:0] rsp_count_o,
  output logic [31:0] rsp_high_water_o,

  // Debug side port: count and high-water mark of any queue, and the spare-list length,
  // read combinationally through the queue table's read port. Meaningful only while the
  // port is idle (cmd_ready_o high, cmd_valid_i low); it never changes any state.
  input  logic [31:0] dbg_queue_i,
  output logic [31:0] dbg_count_o,
  output logic [31:0] dbg_high_water_o,
  output logic [31:0] dbg_spare_count_o
);

  // ---- derived sizes ------------------------------------------------------------------
  localparam int unsigned NumBuf    = Descriptors + Indirect;
  localparam int unsigned NumQueues = Classes + 5 + Connections;
  localparam int unsigned BufW      = $clog2(NumBuf);
  localparam int unsigned DescW     = (Descriptors > 1) ? $clog2(Descriptors) : 1;
  localparam int unsigned IndW      = (Indirect > 1) ? $clog2(Indirect) : 1;
  localparam int unsigned QW        = $clog2(NumQueues);
  localparam int unsigned CntW      = $clog2(NumBuf + 1);
  localparam int unsigned UseW      = $clog2(Indirect + 2);
  localparam int unsigned ClsW      = (Classes > 1) ? $clog2(Classes) : 1;
  localparam int unsigned ConnW     = (Connections > 1) ? $clog2(Connections) : 1;

  if (Classes < 1 || Descriptors < 1 || Indirect < 1 || Connections < 1) begin : gen_bad_size
    $error("evr_fifo: every size parameter must be at least 1");
  end

  // One queue-table entry: a list threaded through the next-pointer memory. head and tail
  // are meaningful only while count != 0, so no end-of-list marker is needed.
  typedef struct packed {
    logic [BufW-1:0] head;
    logic [BufW-1:0] tail;
    logic [CntW-1:0] count;
    logic [CntW-1:0] hw;
  } qent_t;
  localparam int unsigned QentW = $bits(qent_t);

  // A list with buffer b appended at its tail (the caller also links the old tail to b in
  // the next-pointer memory when the list was not empty), and with its head popped (the
  // caller supplies the popped head's next pointer). Every queue, free pool and the
  // indirect pool is kept by these two, so their bookkeeping cannot drift apart.
  function automatic qent_t qent_append(qent_t e, logic [BufW-1:0] b);
    qent_t r = e;
    if (e.count == '0) r.head = b;
    r.tail  = b;
    r.count = e.count + 1'b1;
    if (e.count + 1'b1 > e.hw) r.hw = e.count + 1'b1;
    return r;
  endfunction
  function automatic qent_t qent_pop(qent_t e, logic [BufW-1:0] next_head);
    qent_t r = e;
    r.head  = next_head;
    r.count = e.count - 1'b1;
    return r;
  endfunction

  typedef enum logic [1:0] {
    FsmInit,    // initialisation walk after reset
    FsmIdle,    // ready; an issued command runs its first stage here (stage 1)
    FsmStage2,  // second cycle of a 2- or 3-cycle command
    FsmStage3   // third cycle of a 3-cycle command
  } fsm_e;

  typedef struct packed {
    logic        valid;
    logic [1:0]  result;
    logic [3:0]  error;
    logic        is_indirect;
    logic        freed;
    logic [31:0] buffer;
    logic [31:0] normal;
    logic [31:0] len;
    logic [31:0] tag;
    logic [31:0] use_count;
    logic [31:0] addr;
    logic [31:0] connection;
    logic [31:0] count;
    logic [31:0] high_water;
  } rsp_t;

  // ---- run-time sizes -------------------------------------------------------------------
  logic [31:0] cfg_nbuf, cfg_nq, cfg_first_num;
  assign cfg_nbuf      = cfg_descriptors_i + cfg_indirect_i;
  assign cfg_first_num = cfg_classes_i + 32'd5;
  assign cfg_nq        = cfg_first_num + cfg_connections_i;

  // The initialisation walk visits every descriptor and queue-table entry in use.
  logic [31:0] init_len;
  assign init_len = (cfg_nbuf > cfg_nq) ? cfg_nbuf : cfg_nq;

  // ---- registers ----------------------------------------------------------------------
  fsm_e            fsm_q, fsm_d;
  logic [31:0]     init_idx_q, init_idx_d;
  // The command in flight (stages 2 and 3) and what stage 1 found.
  logic [3:0]      op_q, op_d;
  logic [31:0]     queue_q, queue_d;
  logic [BufW-1:0] buf_q, buf_d;
  logic [ClsW-1:0] cls_q, cls_d;
  logic [31:0]     len_q, len_d, tag_q, tag_d, saddr_q, saddr_d;
  logic [3:0]      err_q, err_d;
  logic            empty_q, empty_d;
  qent_t           ent_q, ent_d;       // queue-table entry read in stage 1
  logic [BufW-1:0] b_q, b_d;           // buffer popped in stage 2 (DEQUEUE, LINK)
  logic [DescW-1:0] n_q, n_d;          // normal buffer found in stage 2 (DEQUEUE, RELEASE)
  // The hidden spare list (no queue index), in flops.
  logic [BufW-1:0] spare_head_q, spare_head_d, spare_tail_q, spare_tail_d;
  logic [CntW-1:0] spare_count_q, spare_count_d;
  // Round-robin pointer: the connection PICK answered last.
  logic [ConnW-1:0] rr_q, rr_d;
  rsp_t            rsp_q, rsp_d;

  // ---- memories -----------------------------------------------------------------------
  logic             next_we;   logic [BufW-1:0] next_waddr, next_wdata, next_raddr, next_rdata;
  logic             state_we;  logic [BufW-1:0] state_waddr, state_raddr;
  logic [2:0]       state_wdata, state_rdata;
  logic             use_we;    logic [DescW-1:0] use_waddr, use_raddr;
  logic [UseW-1:0]  use_wdata, use_rdata;
  logic             len_we;    logic [DescW-1:0] len_waddr, len_raddr;
  logic [31:0]      len_wdata, len_rdata;
  logic             tag_we;    logic [DescW-1:0] tag_waddr, tag_raddr;
  logic [31:0]      tag_wdata, tag_rdata;
  logic             saddr_we;  logic [DescW-1:0] saddr_waddr, saddr_raddr;
  logic [31:0]      saddr_wdata, saddr_rdata;
  logic             cls_we;    logic [DescW-1:0] cls_waddr, cls_raddr;
  logic [ClsW-1:0]  cls_wdata, cls_rdata;
  logic             tgt_we;    logic [IndW-1:0] tgt_waddr, tgt_raddr;
  logic [DescW-1:0] tgt_wdata, tgt_rdata;
  logic             qt_we;     logic [QW-1:0] qt_waddr, qt_raddr;
  qent_t            qt_wdata, qt_rdata;
  logic             mask_we;   logic [ConnW-1:0] mask_waddr, mask_raddr;
  logic             mask_wdata, mask_rdata;

  // Next pointer of every descriptor (normal, then indirect).
  evr_fifo_ram #(.Width(BufW), .Depth(NumBuf)) u_next_ram (
    .clk_i, .we_i(next_we), .waddr_i(next_waddr), .wdata_i(next_wdata),
    .raddr_i(next_raddr), .rdata_o(next_rdata));
  // buf_state_e of every descriptor.
  evr_fifo_ram #(.Width(3), .Depth(NumBuf)) u_state_ram (
    .clk_i, .we_i(state_we), .waddr_i(state_waddr), .wdata_i(state_wdata),
    .raddr_i(state_raddr), .rdata_o(state_rdata));
  // Per normal descriptor: use count (509), frame length, tag, SRAM address, size class.
  evr_fifo_ram #(.Width(UseW), .Depth(Descriptors)) u_use_ram (
    .clk_i, .we_i(use_we), .waddr_i(use_waddr), .wdata_i(use_wdata),
    .raddr_i(use_raddr), .rdata_o(use_rdata));
  evr_fifo_ram #(.Width(32), .Depth(Descriptors)) u_len_ram (
    .clk_i, .we_i(len_we), .waddr_i(len_waddr), .wdata_i(len_wdata),
    .raddr_i(len_raddr), .rdata_o(len_rdata));
  evr_fifo_ram #(.Width(32), .Depth(Descriptors)) u_tag_ram (
    .clk_i, .we_i(tag_we), .waddr_i(tag_waddr), .wdata_i(tag_wdata),
    .raddr_i(tag_raddr), .rdata_o(tag_rdata));
  evr_fifo_ram #(.Width(32), .Depth(Descriptors)) u_saddr_ram (
    .clk_i, .we_i(saddr_we), .waddr_i(saddr_waddr), .wdata_i(saddr_wdata),
    .raddr_i(saddr_raddr), .rdata_o(saddr_rdata));
  evr_fifo_ram #(.Width(ClsW), .Depth(Descriptors)) u_class_ram (
    .clk_i, .we_i(cls_we), .waddr_i(cls_waddr), .wdata_i(cls_wdata),
    .raddr_i(cls_raddr), .rdata_o(cls_rdata));
  // Per indirect descriptor (index b - descriptors): the normal buffer it points at.
  evr_fifo_ram #(.Width(DescW), .Depth(Indirect)) u_target_ram (
    .clk_i, .we_i(tgt_we), .waddr_i(tgt_waddr), .wdata_i(tgt_wdata),
    .raddr_i(tgt_raddr), .rdata_o(tgt_rdata));
  // Queue table: head, tail, count, high-water mark of every queue index.
  evr_fifo_ram #(.Width(QentW), .Depth(NumQueues)) u_queue_ram (
    .clk_i, .we_i(qt_we), .waddr_i(qt_waddr), .wdata_i(qt_wdata),
    .raddr_i(qt_raddr), .rdata_o(qt_rdata));
  // PICK mask bit of every connection.
  evr_fifo_ram #(.Width(1), .Depth(Connections)) u_mask_ram (
    .clk_i, .we_i(mask_we), .waddr_i(mask_waddr), .wdata_i(mask_wdata),
    .raddr_i(mask_raddr), .rdata_o(mask_rdata));

  // ---- PICK bitmap --------------------------------------------------------------------
  logic             bm_clr, bm_upd, bm_elig, pick_found;
  logic [ConnW-1:0] bm_conn, pick_start, pick_conn;

  evr_fifo_rr_pick #(.Connections(Connections)) u_rr_pick (
    .clk_i,
    .clr_i(bm_clr), .clr_idx_i(init_idx_q),
    .upd_i(bm_upd), .upd_conn_i(bm_conn), .upd_eligible_i(bm_elig),
    .start_i(pick_start), .found_o(pick_found), .conn_o(pick_conn));

  // The connection after the round-robin pointer, wrapping around.
  assign pick_start = (32'(rr_q) + 32'd1 >= cfg_connections_i) ? '0 : rr_q + 1'b1;

  // ---- stage 1 (issue cycle): decode and protocol checks ------------------------------
  logic        issue;
  logic        a_q_valid, a_q_pool, a_cls_valid, a_b_valid, a_b_normal, a_conn_valid;
  logic [3:0]  a_held_err, a_err;
  logic        a_empty;
  logic [QW-1:0] a_num_queue;  // queue index of MASK's connection

  assign cmd_ready_o  = (fsm_q == FsmIdle);
  assign issue        = cmd_valid_i && cmd_ready_o;
  assign a_q_valid    = cmd_queue_i < cfg_nq;
  assign a_q_pool     = cmd_queue_i <= cfg_classes_i;
  assign a_cls_valid  = cmd_class_i < cfg_classes_i;
  assign a_b_valid    = cmd_buffer_i < cfg_nbuf;
  assign a_b_normal   = cmd_buffer_i < cfg_descriptors_i;
  assign a_conn_valid = cmd_connection_i < cfg_connections_i;
  assign a_num_queue  = QW'(cfg_first_num + cmd_connection_i);

  // Why the buffer operand is not a held buffer (state read in this cycle).
  always_comb begin
    a_held_err = ErrNone;
    if (!a_b_valid) begin
      a_held_err = ErrBufferOutOfRange;
    end else begin
      case (state_rdata)
        StSpare:  a_held_err = ErrBufferIsSpare;
        StFree:   a_held_err = ErrBufferIsFree;
        StQueued: a_held_err = ErrBufferIsQueued;
        StLinked: a_held_err = ErrBufferIsLinked;
        default:  a_held_err = ErrNone;
      endcase
    end
  end

  // Protocol error of the issued command, first reason in the contract's order.
  always_comb begin
    a_err = ErrNone;
    case (cmd_op_i)
      OpAlloc, OpAddFree, OpRemoveFree: begin
        if (!a_cls_valid) a_err = ErrClassOutOfRange;
      end
      OpEnqueue: begin
        if (!a_q_valid)     a_err = ErrQueueOutOfRange;
        else if (a_q_pool)  a_err = ErrQueueIsFreePool;
        else                a_err = a_held_err;
      end
      OpDequeue: begin
        if (!a_q_valid)     a_err = ErrQueueOutOfRange;
        else if (a_q_pool)  a_err = ErrQueueIsFreePool;
      end
      OpRelease: a_err = a_held_err;
      OpLink: begin
        if (!a_q_valid)                    a_err = ErrQueueOutOfRange;
        else if (a_q_pool)                 a_err = ErrQueueIsFreePool;
        else if (a_b_valid && !a_b_normal) a_err = ErrBufferNotNormal;
        else                               a_err = a_held_err;
      end
      OpMask:   if (!a_conn_valid) a_err = ErrConnOutOfRange;
      OpStatus: if (!a_q_valid)    a_err = ErrQueueOutOfRange;
      OpPick:   a_err = ErrNone;
      default:  a_err = ErrBadOp;
    endcase
  end

  // EMPTY: the list a command would pop is empty (qt_rdata is the entry read for it).
  always_comb begin
    case (cmd_op_i)
      OpAlloc, OpDequeue, OpRemoveFree, OpLink: a_empty = (qt_rdata.count == '0);
      OpAddFree: a_empty = (spare_count_q == '0);
      OpPick:    a_empty = !pick_found;
      default:   a_empty = 1'b0;
    endcase
  end

  // ---- memory read addresses ---------------------------------------------------------
  // One process per memory, apart from the datapath that uses the data, so no process
  // both drives an address and reads the data behind it (no false combinational loop).
  // Stage 1 reads with the command's operands, stages 2 and 3 with registers.
  logic [ConnW-1:0] s_conn;  // connection of queue_q when it is a numbered queue
  assign s_conn = ConnW'(queue_q - cfg_first_num);

  always_comb begin
    unique case (fsm_q)
      FsmIdle:   state_raddr = BufW'(cmd_buffer_i);  // is the operand held?
      FsmStage2: state_raddr = (op_q == OpAddFree) ? spare_head_q : ent_q.head;  // popped
      FsmStage3: state_raddr = BufW'(n_q);           // RELEASE: is n linked?
      default:   state_raddr = '0;
    endcase
  end
  // Stage-2 pops: the head of the list read in stage 1, or of the spare list.
  assign next_raddr  = (op_q == OpAddFree) ? spare_head_q : ent_q.head;
  assign saddr_raddr = (fsm_q == FsmStage3) ? n_q : DescW'(ent_q.head);
  assign tgt_raddr   = IndW'(((op_q == OpRelease) ? 32'(buf_q) : 32'(ent_q.head)) - cfg_descriptors_i);
  assign use_raddr   = (op_q == OpLink) ? DescW'(buf_q) : n_q;
  assign len_raddr   = n_q;
  assign tag_raddr   = n_q;
  assign cls_raddr   = n_q;
  assign mask_raddr  = s_conn;

  always_comb begin
    qt_raddr = QW'(dbg_queue_i);  // idle: the debug side port
    unique case (fsm_q)
      FsmIdle: begin
        if (cmd_valid_i) begin
          case (cmd_op_i)
            OpAlloc, OpAddFree, OpRemoveFree: qt_raddr = QW'(cmd_class_i);
            OpLink:                           qt_raddr = QW'(cfg_classes_i);  // indirect pool
            OpMask:                           qt_raddr = a_num_queue;
            OpEnqueue, OpDequeue, OpStatus:   qt_raddr = QW'(cmd_queue_i);
            default:                          qt_raddr = '0;
          endcase
        end
      end
      FsmStage2: qt_raddr = QW'(cfg_classes_i);  // RELEASE: the indirect pool
      FsmStage3: qt_raddr = (op_q == OpRelease) ? QW'(cls_rdata) : QW'(queue_q);
      default: ;
    endcase
  end

  // ---- datapath: memory ports, list updates and the response ---------------------------
  // Verification-only bookkeeping deltas (see the assertions): descriptors on any list
  // (spare list included), held by a caller, linked.
  logic signed [2:0] d_listed, d_held, d_linked;
  logic [CntW-1:0]   qt_old_count;  // count of the queue-table entry being written

  logic              s_ok;          // stages 2/3: the command passed its checks, not EMPTY
  logic              s_num;         // stages 2/3: queue_q is a numbered queue
  logic [BufW-1:0]   s_b;           // stage 2: buffer popped
  logic [DescW-1:0]  s_n;           // stage 2: normal buffer behind buf_q / s_b
  logic [UseW-1:0]   s_use;         // stage 3: new use count
  qent_t             s_ent;         // stage 3: entry read this cycle

  always_comb begin
    // Defaults: hold every register, no memory write.
    fsm_d         = fsm_q;
    init_idx_d    = init_idx_q;
    op_d          = op_q;
    queue_d       = queue_q;
    buf_d         = buf_q;
    cls_d         = cls_q;
    len_d         = len_q;
    tag_d         = tag_q;
    saddr_d       = saddr_q;
    err_d         = err_q;
    empty_d       = empty_q;
    ent_d         = ent_q;
    b_d           = b_q;
    n_d           = n_q;
    spare_head_d  = spare_head_q;
    spare_tail_d  = spare_tail_q;
    spare_count_d = spare_count_q;
    rr_d          = rr_q;
    rsp_d         = rsp_q;
    rsp_d.valid   = 1'b0;

    next_we  = 1'b0; next_waddr  = '0; next_wdata  = '0;
    state_we = 1'b0; state_waddr = '0; state_wdata = StSpare;
    use_we   = 1'b0; use_waddr   = '0; use_wdata   = '0;
    len_we   = 1'b0; len_waddr   = '0; len_wdata   = '0;
    tag_we   = 1'b0; tag_waddr   = '0; tag_wdata   = '0;
    saddr_we = 1'b0; saddr_waddr = '0; saddr_wdata = '0;
    cls_we   = 1'b0; cls_waddr   = '0; cls_wdata   = '0;
    tgt_we   = 1'b0; tgt_waddr   = '0; tgt_wdata   = '0;
    qt_we    = 1'b0; qt_waddr    = '0; qt_wdata    = '0;
    mask_we  = 1'b0; mask_waddr  = '0; mask_wdata  = 1'b0;
    bm_clr   = 1'b0; bm_upd      = 1'b0; bm_conn   = '0; bm_elig     = 1'b0;

    d_listed = '0; d_held = '0; d_linked = '0;
    qt_old_count = '0;

    s_ok   = (err_q == ErrNone) && !empty_q;
    s_num  = queue_q >= cfg_first_num;
    s_b    = '0;
    s_n    = '0;
    s_use  = '0;
    s_ent  = '0;

    unique case (fsm_q)
      // ------------------------------------------------------------------------------
      FsmInit: begin
        // One descriptor and one queue-table entry per cycle: the spare list ascending
        // (0 .. descriptors-1), the indirect pool ascending (descriptors ..), every other
        // list empty, every connection unmasked and not eligible.
        next_we     = init_idx_q < NumBuf;
        next_waddr  = BufW'(init_idx_q);
        next_wdata  = BufW'(init_idx_q + 32'd1);
        state_we    = next_we;
        state_waddr = BufW'(init_idx_q);
        state_wdata = (init_idx_q < cfg_descriptors_i) ? StSpare : StFree;
        qt_we       = init_idx_q < NumQueues;
        qt_waddr    = QW'(init_idx_q);
        qt_wdata    = '0;
        if (init_idx_q == cfg_classes_i) begin
          qt_wdata.head  = BufW'(cfg_descriptors_i);
          qt_wdata.tail  = BufW'(cfg_nbuf - 32'd1);
          qt_wdata.count = CntW'(cfg_indirect_i);
          qt_wdata.hw    = CntW'(cfg_indirect_i);
        end
        mask_we    = init_idx_q < Connections;
        mask_waddr = ConnW'(init_idx_q);
        bm_clr     = 1'b1;
        spare_head_d  = '0;
        spare_tail_d  = BufW'(cfg_descriptors_i - 32'd1);
        spare_count_d = CntW'(cfg_descriptors_i);
        rr_d          = ConnW'(cfg_connections_i - 32'd1);
        init_idx_d    = init_idx_q + 32'd1;
        // Only the sizes in use need initialising: nothing reads beyond them.
        if (init_idx_q + 32'd1 >= init_len) fsm_d = FsmIdle;
      end

      // ------------------------------------------------------------------------------
      FsmIdle: begin

        if (issue) begin
          op_d    = cmd_op_i;
          queue_d = cmd_queue_i;
          buf_d   = BufW'(cmd_buffer_i);
          cls_d   = ClsW'(cmd_class_i);
          len_d   = cmd_len_i;
          tag_d   = cmd_tag_i;
          saddr_d = cmd_addr_i;
          err_d   = a_err;
          empty_d = a_empty;
          ent_d   = qt_rdata;
          if (latency(cmd_op_i) == 2'd1) begin
            // One-cycle commands complete here; the response register is the result.
            rsp_d = '0;
            rsp_d.valid = 1'b1;
            if (a_err != ErrNone) begin
              rsp_d.result = ResError;
              rsp_d.error  = a_err;
            end else if (a_empty) begin
              rsp_d.result = ResEmpty;
            end else begin
              rsp_d.result = ResOk;
              case (cmd_op_i)
                OpPick: begin
`ifdef EVR_MUTANT_RR_STUCK
                  // Planted bug for the mutation test: the pointer never advances.
                  rr_d = rr_q;
`else
                  rr_d = pick_conn;
`endif
                  rsp_d.connection = 32'(pick_conn);
                end
                OpMask: begin
                  mask_we    = 1'b1;
                  mask_waddr = ConnW'(cmd_connection_i);
                  mask_wdata = cmd_masked_i;
                  bm_upd     = 1'b1;
                  bm_conn    = ConnW'(cmd_connection_i);
                  bm_elig    = !cmd_masked_i && (qt_rdata.count != '0);
                end
                OpStatus: begin
                  rsp_d.count      = 32'(qt_rdata.count);
                  rsp_d.high_water = 32'(qt_rdata.hw);
                end
                default: ;
              endcase
            end
          end else begin
            fsm_d = FsmStage2;
          end
        end
      end

      // ------------------------------------------------------------------------------
      FsmStage2: begin
        if (latency(op_q) == 2'd2) begin
          // Two-cycle commands answer at the end of this cycle; the op below fills in
          // the fields it produces.
          rsp_d = '0;
          rsp_d.valid  = 1'b1;
          rsp_d.result = (err_q != ErrNone) ? ResError : empty_q ? ResEmpty : ResOk;
          rsp_d.error  = err_q;
          fsm_d = FsmIdle;
        end else begin
          fsm_d = FsmStage3;
        end
        unique case (op_q)
          OpAlloc: if (s_ok) begin
            // Pop the head of free pool cls_q; it becomes held with use 1.
            s_b         = ent_q.head;
            qt_we       = 1'b1;
            qt_waddr    = QW'(cls_q);
            qt_wdata    = qent_pop(ent_q, next_rdata);
            qt_old_count   = ent_q.count;
            state_we = 1'b1; state_waddr = s_b; state_wdata = StHeld;
            use_we   = 1'b1; use_waddr   = DescW'(s_b); use_wdata = UseW'(1);
            len_we   = 1'b1; len_waddr   = DescW'(s_b); len_wdata = '0;
            tag_we   = 1'b1; tag_waddr   = DescW'(s_b); tag_wdata = '0;
            d_listed = -3'sd1; d_held = 3'sd1;
            rsp_d.buffer = 32'(s_b);
            rsp_d.addr   = saddr_rdata;
          end
          OpEnqueue: if (s_ok) begin
            // Append buf_q at the tail of queue_q.
            next_we    = ent_q.count != '0;
            next_waddr = ent_q.tail;
            next_wdata = buf_q;
            qt_we      = 1'b1;
            qt_waddr   = QW'(queue_q);
            qt_wdata   = qent_append(ent_q, buf_q);
            qt_old_count   = ent_q.count;
            state_we = 1'b1; state_waddr = buf_q; state_wdata = StQueued;
            if (32'(buf_q) < cfg_descriptors_i) begin
              len_we = 1'b1; len_waddr = DescW'(buf_q); len_wdata = len_q;
              tag_we = 1'b1; tag_waddr = DescW'(buf_q); tag_wdata = tag_q;
            end
            if (s_num) begin
              bm_upd     = 1'b1;
              bm_conn    = s_conn;
              bm_elig    = !mask_rdata;
            end
            d_listed = 3'sd1; d_held = -3'sd1;
          end
          OpAddFree: if (s_ok) begin
            // Bind the head of the spare list to saddr_q, append it to free pool cls_q.
            s_b           = spare_head_q;
            spare_head_d  = next_rdata;
            spare_count_d = spare_count_q - 1'b1;
            next_we    = ent_q.count != '0;
            next_waddr = ent_q.tail;
            next_wdata = s_b;
            qt_we      = 1'b1;
            qt_waddr   = QW'(cls_q);
            qt_wdata   = qent_append(ent_q, s_b);
            qt_old_count   = ent_q.count;
            state_we = 1'b1; state_waddr = s_b; state_wdata = StFree;
            saddr_we = 1'b1; saddr_waddr = DescW'(s_b); saddr_wdata = saddr_q;
            cls_we   = 1'b1; cls_waddr   = DescW'(s_b); cls_wdata   = cls_q;
            use_we   = 1'b1; use_waddr   = DescW'(s_b); use_wdata   = '0;
            len_we   = 1'b1; len_waddr   = DescW'(s_b); len_wdata   = '0;
            tag_we   = 1'b1; tag_waddr   = DescW'(s_b); tag_wdata   = '0;
            rsp_d.buffer = 32'(s_b);
          end
          OpRemoveFree: if (s_ok) begin
            // Pop the head of free pool cls_q onto the tail of the spare list.
            s_b         = ent_q.head;
            qt_we       = 1'b1;
            qt_waddr    = QW'(cls_q);
            qt_wdata    = qent_pop(ent_q, next_rdata);
            qt_old_count   = ent_q.count;
            next_we    = spare_count_q != '0;
            next_waddr = spare_tail_q;
            next_wdata = s_b;
            if (spare_count_q == '0) spare_head_d = s_b;
            spare_tail_d  = s_b;
            spare_count_d = spare_count_q + 1'b1;
            state_we = 1'b1; state_waddr = s_b; state_wdata = StSpare;
            rsp_d.buffer = 32'(s_b);
            rsp_d.addr   = saddr_rdata;
          end
          OpDequeue: if (s_ok) begin
            // Pop the head of queue_q; find the normal buffer behind it.
            s_b         = ent_q.head;
            s_n         = (32'(s_b) < cfg_descriptors_i) ? DescW'(s_b) : tgt_rdata;
            qt_we       = 1'b1;
            qt_waddr    = QW'(queue_q);
            qt_wdata    = qent_pop(ent_q, next_rdata);
            qt_old_count   = ent_q.count;
            state_we = 1'b1; state_waddr = s_b; state_wdata = StHeld;
            if (s_num && ent_q.count == CntW'(1)) begin
              bm_upd  = 1'b1;
              bm_conn = s_conn;
              bm_elig = 1'b0;
            end
            b_d = s_b;
            n_d = s_n;
            d_listed = -3'sd1; d_held = 3'sd1;
          end
          OpRelease: if (s_ok) begin
            // The holder's reference goes. An indirect buffer returns to the indirect
            // pool here; its normal buffer's use count drops in stage 3.
            if (32'(buf_q) < cfg_descriptors_i) begin
              s_n = DescW'(buf_q);
              state_we = 1'b1; state_waddr = buf_q; state_wdata = StLinked;
              d_held = -3'sd1; d_linked = 3'sd1;
            end else begin
              s_n        = tgt_rdata;
              next_we    = qt_rdata.count != '0;
              next_waddr = qt_rdata.tail;
              next_wdata = buf_q;
              qt_we      = 1'b1;
              qt_waddr   = QW'(cfg_classes_i);
              qt_wdata   = qent_append(qt_rdata, buf_q);
              qt_old_count   = qt_rdata.count;
              state_we = 1'b1; state_waddr = buf_q; state_wdata = StFree;
              d_held = -3'sd1; d_listed = 3'sd1;
            end
            n_d = s_n;
          end
          OpLink: if (s_ok) begin
            // Pop an indirect buffer and point it at buf_q; it is queued in stage 3.
            s_b         = ent_q.head;
            qt_we       = 1'b1;
            qt_waddr    = QW'(cfg_classes_i);
            qt_wdata    = qent_pop(ent_q, next_rdata);
            qt_old_count   = ent_q.count;
            tgt_we    = 1'b1;
            tgt_waddr = IndW'(32'(s_b) - cfg_descriptors_i);
            tgt_wdata = DescW'(buf_q);
            state_we = 1'b1; state_waddr = s_b; state_wdata = StQueued;
            b_d = s_b;
            d_listed = -3'sd1;
          end
          default: ;
        endcase
      end

      // ------------------------------------------------------------------------------
      FsmStage3: begin
        rsp_d = '0;
        rsp_d.valid  = 1'b1;
        rsp_d.result = (err_q != ErrNone) ? ResError : empty_q ? ResEmpty : ResOk;
        rsp_d.error  = err_q;
        fsm_d = FsmIdle;
        unique case (op_q)
          OpDequeue: if (s_ok) begin
            rsp_d.buffer      = 32'(b_q);
            rsp_d.is_indirect = 32'(b_q) >= cfg_descriptors_i;
            rsp_d.normal      = 32'(n_q);
            rsp_d.len         = len_rdata;
            rsp_d.tag         = tag_rdata;
            rsp_d.use_count   = 32'(use_rdata);
            rsp_d.addr        = saddr_rdata;
          end
          OpRelease: if (s_ok) begin
            // Drop one reference to n_q; the last one returns it to its class pool.
            s_use       = use_rdata - 1'b1;
            use_we      = 1'b1;
            use_waddr   = n_q;
            use_wdata   = s_use;
            rsp_d.normal = 32'(n_q);
            if (s_use == '0) begin
              s_ent      = qt_rdata;
              next_we    = s_ent.count != '0;
              next_waddr = s_ent.tail;
              next_wdata = BufW'(n_q);
              qt_we      = 1'b1;
              qt_waddr   = QW'(cls_rdata);
              qt_wdata   = qent_append(s_ent, BufW'(n_q));
              qt_old_count   = s_ent.count;
              state_we = 1'b1; state_waddr = BufW'(n_q); state_wdata = StFree;
              rsp_d.freed = 1'b1;
              d_linked = -3'sd1; d_listed = 3'sd1;
            end
          end
          OpLink: if (s_ok) begin
            // Count the new reference and append the indirect buffer b_q to queue_q.
            use_we     = 1'b1;
            use_waddr  = DescW'(buf_q);
            use_wdata  = use_rdata + 1'b1;
            s_ent      = qt_rdata;
            next_we    = s_ent.count != '0;
            next_waddr = s_ent.tail;
            next_wdata = b_q;
            qt_we      = 1'b1;
            qt_waddr   = QW'(queue_q);
            qt_wdata   = qent_append(s_ent, b_q);
            qt_old_count   = s_ent.count;
            if (s_num) begin
              bm_upd     = 1'b1;
              bm_conn    = s_conn;
              bm_elig    = !mask_rdata;
            end
            rsp_d.buffer = 32'(b_q);
            d_listed = 3'sd1;
          end
          default: ;
        endcase
      end

      default: fsm_d = FsmInit;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fsm_q         <= FsmInit;
      init_idx_q    <= '0;
      op_q          <= '0;
      queue_q       <= '0;
      buf_q         <= '0;
      cls_q         <= '0;
      len_q         <= '0;
      tag_q         <= '0;
      saddr_q       <= '0;
      err_q         <= ErrNone;
      empty_q       <= 1'b0;
      ent_q         <= '0;
      b_q           <= '0;
      n_q           <= '0;
      spare_head_q  <= '0;
      spare_tail_q  <= '0;
      spare_count_q <= '0;
      rr_q          <= '0;
      rsp_q         <= '0;
    end else begin
      fsm_q         <= fsm_d;
      init_idx_q    <= init_idx_d;
      op_q          <= op_d;
      queue_q       <= queue_d;
      buf_q         <= buf_d;
      cls_q         <= cls_d;
      len_q         <= len_d;
      tag_q         <= tag_d;
      saddr_q       <= saddr_d;
      err_q         <= err_d;
      empty_q       <= empty_d;
      ent_q         <= ent_d;
      b_q           <= b_d;
      n_q           <= n_d;
      spare_head_q  <= spare_head_d;
      spare_tail_q  <= spare_tail_d;
      spare_count_q <= spare_count_d;
      rr_q          <= rr_d;
      rsp_q         <= rsp_d;
    end
  end

  // ---- outputs ------------------------------------------------------------------------
  assign rsp_valid_o       = rsp_q.valid;
  assign rsp_result_o      = rsp_q.result;
  assign rsp_error_o       = rsp_q.error;
  assign rsp_is_indirect_o = rsp_q.is_indirect;
  assign rsp_freed_o       = rsp_q.freed;
  assign rsp_buffer_o      = rsp_q.buffer;
  assign rsp_normal_o      = rsp_q.normal;
  assign rsp_len_o         = rsp_q.len;
  assign rsp_tag_o         = rsp_q.tag;
  assign rsp_use_o         = rsp_q.use_count;
  assign rsp_addr_o        = rsp_q.addr;
  assign rsp_connection_o  = rsp_q.connection;
  assign rsp_count_o       = rsp_q.count;
  assign rsp_high_water_o  = rsp_q.high_water;

  // Out-of-range queues read 0, and so does everything while a command runs.
  logic dbg_valid;
  assign dbg_valid         = cmd_ready_o && !cmd_valid_i && dbg_queue_i < cfg_nq;
  assign dbg_count_o       = dbg_valid ? 32'(qt_rdata.count) : '0;
  assign dbg_high_water_o  = dbg_valid ? 32'(qt_rdata.hw) : '0;
  assign dbg_spare_count_o = 32'(spare_count_q);

  // ---- assertions (docs/rtl_fifo.md, "Assertions") --------------------------------------
`ifndef SYNTHESIS
  // Bookkeeping that only the assertions read: descriptors on some list (spare list
  // included), held by a caller, linked; the sum of the queue table's counts; the cycles
  // since the command in flight was issued.
  logic [31:0] listed_q, held_q, linked_q, qt_sum_q;
  logic [1:0]  cycles_q;
  logic [3:0]  issued_op_q;
  logic        any_we;
  logic [127:0] cfg_seen_q;  // the straps the initialisation walk used
  // Stimulus that injects protocol errors on purpose sets +evr_errors_expected.
  bit          errors_expected;

  initial errors_expected = $test$plusargs("evr_errors_expected");

  assign any_we = next_we | state_we | use_we | len_we | tag_we | saddr_we | cls_we | tgt_we |
                  qt_we | mask_we | bm_upd;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      listed_q    <= '0;
      held_q      <= '0;
      linked_q    <= '0;
      qt_sum_q    <= '0;
      cycles_q    <= '0;
      issued_op_q <= '0;
      cfg_seen_q  <= '0;
    end else if (fsm_q == FsmInit) begin
      cfg_seen_q <= {cfg_classes_i, cfg_descriptors_i, cfg_indirect_i, cfg_connections_i};
      listed_q <= cfg_nbuf;
      held_q   <= '0;
      linked_q <= '0;
      qt_sum_q <= cfg_indirect_i;
    end else begin
      listed_q <= listed_q + 32'(d_listed);
      held_q   <= held_q + 32'(d_held);
      linked_q <= linked_q + 32'(d_linked);
      if (qt_we) qt_sum_q <= qt_sum_q + 32'(qt_wdata.count) - 32'(qt_old_count);
      if (issue) begin
        cycles_q    <= 2'd1;
        issued_op_q <= cmd_op_i;
      end else if (fsm_q != FsmIdle) begin
        cycles_q <= cycles_q + 2'd1;
      end
    end
  end

  // The straps fit the parameters and hold still.
  `EVR_ASSERT(CfgInRange_A, cfg_classes_i >= 1 && cfg_classes_i <= Classes &&
      cfg_descriptors_i >= 1 && cfg_descriptors_i <= Descriptors &&
      cfg_indirect_i <= Indirect && cfg_connections_i >= 1 && cfg_connections_i <= Connections)
  `EVR_ASSERT(CfgStable_A, fsm_q != FsmInit -> cfg_seen_q == {cfg_classes_i,
      cfg_descriptors_i, cfg_indirect_i, cfg_connections_i})
  // Every command answers after exactly its contract latency.
  // (Checked on the edge that registers the response, so every check of a command runs
  // before the bridge, which stops clocking once rsp_valid_o is high, returns.)
  logic [1:0] cur_cycles;
  logic [3:0] cur_op;
  assign cur_cycles = issue ? 2'd1 : cycles_q + 2'd1;
  assign cur_op     = issue ? cmd_op_i : issued_op_q;
  `EVR_ASSERT(RspLatency_A, rsp_d.valid -> cur_cycles == latency(cur_op))
  // Idle means idle: no state changes without a command, which is what lets the bridge
  // skip idle cycles exactly.
  `EVR_ASSERT(IdleNoWrite_A, (fsm_q == FsmIdle && !cmd_valid_i) -> !any_we)
  // A protocol error or an EMPTY result changes nothing.
  `EVR_ASSERT(ErrorNoWrite_A, (fsm_q == FsmStage2 || fsm_q == FsmStage3) && !s_ok -> !any_we)
  `EVR_ASSERT(ErrorNoWriteStage1_A, issue && (a_err != ErrNone || a_empty) -> !any_we)
  // No command on an empty list returns a buffer: every pop finds count != 0.
  `EVR_ASSERT(PopNonEmpty_A, (fsm_q == FsmStage2 && s_ok &&
      (op_q == OpAlloc || op_q == OpRemoveFree || op_q == OpDequeue || op_q == OpLink))
      -> ent_q.count != '0)
  `EVR_ASSERT(SparePopNonEmpty_A, (fsm_q == FsmStage2 && s_ok && op_q == OpAddFree)
      -> spare_count_q != '0)
  // A buffer is on at most one list: a popped head is in the state its list implies, so
  // a buffer linked into two lists is caught when either pops it.
  `EVR_ASSERT(PopHeadState_A, (fsm_q == FsmStage2 && s_ok) ->
      ((op_q == OpAlloc || op_q == OpRemoveFree || op_q == OpLink) ? state_rdata == StFree :
       (op_q == OpDequeue) ? state_rdata == StQueued :
       (op_q == OpAddFree) ? state_rdata == StSpare : 1'b1))
  // Only a held buffer is pushed by ENQUEUE and RELEASE, only a linked one on its last
  // release, and LINK points only at a held normal buffer.
  `EVR_ASSERT(PushFromHeld_A, issue && a_err == ErrNone &&
      (cmd_op_i == OpEnqueue || cmd_op_i == OpRelease || cmd_op_i == OpLink)
      -> state_rdata == StHeld)
  `EVR_ASSERT(FreedWasLinked_A, (fsm_q == FsmStage3 && s_ok && op_q == OpRelease &&
      s_use == '0) -> state_rdata == StLinked)
  // Use counts never underflow nor wrap.
  `EVR_ASSERT(UseNoUnderflow_A, (fsm_q == FsmStage3 && s_ok && op_q == OpRelease)
      -> use_rdata != '0)
  `EVR_ASSERT(UseNoOverflow_A, (fsm_q == FsmStage3 && s_ok && op_q == OpLink)
      -> use_rdata != '1)
  // Counts match list contents, incrementally: every written entry keeps high-water >=
  // count; the queue table's counts plus the spare list add up to the descriptors the
  // state transitions put on lists; listed + held + linked is every descriptor.
  `EVR_ASSERT(HighWater_A, qt_we -> qt_wdata.hw >= qt_wdata.count)
  `EVR_ASSERT(CountSum_A, fsm_q == FsmIdle -> qt_sum_q + 32'(spare_count_q) == listed_q)
  `EVR_ASSERT(Conservation_A, fsm_q == FsmIdle -> listed_q + held_q + linked_q == cfg_nbuf)
  // A head/tail pair of a one-element list is the same buffer.
  `EVR_ASSERT(SingleHeadTail_A, (qt_we && qt_wdata.count == CntW'(1)) ->
      qt_wdata.head == qt_wdata.tail)
  // Protocol errors are flagged: the response carries ERROR with its reason, and unless
  // the stimulus injects them on purpose, a protocol error stops the simulation here.
  `EVR_ASSERT(ErrorFlagged_A, rsp_d.valid ->
      ((rsp_d.result == ResError) == (rsp_d.error != ErrNone)))
  `EVR_ASSERT(ProtocolError_A, rsp_d.valid && rsp_d.result == ResError -> errors_expected)
`endif

endmodule
