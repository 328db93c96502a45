// Failure handling shared by the CSV outputs (packets.csv, dropped.csv, timeline.csv).
#pragma once

#include <charconv>
#include <cstdint>
#include <fstream>
#include <string>

namespace evr::output {

// Throws evr::input_error when `f` has failed (disk full, file-size limit): before throwing
// it closes `f` and cuts `path` back to its last whole line, so what was written stays a
// valid CSV, and the one-line message says so. Does nothing while `f` is good. Call it
// after every row: an ofstream reports a failed write only by its state, so a run that
// never looks would end with exit 0 and a silently truncated file.
void check_text_output(std::ofstream& f, const std::string& path);

// Flushes and closes `f`, then checks it like check_text_output.
void close_text_output(std::ofstream& f, const std::string& path);

// Appends the decimal digits of `v`: per-frame rows are a hot path, and ostream's locale-
// aware number formatting cost more than the simulation of the frame.
inline void append_uint(std::string& s, std::uint64_t v) {
    char digits[20];
    const auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
    s.append(digits, static_cast<std::size_t>(end - digits));
}

} // namespace evr::output
