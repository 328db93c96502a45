// File list of the elastic FIFO, in compile order (package first), for any tool:
//   verilator --lint-only -Wall -F rtl/evr_fifo.f
// -F reads the paths below relative to this file.
-I.
--top-module evr_fifo
lint/evr_fifo.vlt
evr_fifo_pkg.sv
evr_fifo_ram.sv
evr_fifo_rr_pick.sv
evr_fifo.sv
