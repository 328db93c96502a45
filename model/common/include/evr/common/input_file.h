// Files the user names as inputs (configs, availability traces): checked for kind and
// size before they are read, so a folder, a device or an endless stream is refused in one
// line instead of read forever (docs/reliability.md, "Inputs that are not files").
#pragma once

#include <cstdint>
#include <string>

namespace evr {

// Reads the whole of `path`: a regular file of at most `max_bytes`, or a pipe (FIFO,
// /dev/stdin from a shell pipe) whose writer stops within `max_bytes`. Anything else (a
// folder, a character or block device, a socket) and anything longer throws
// evr::input_error "PATH: PROBLEM", `what` naming the input ("configuration", ...).
std::string read_input_file(const std::string& path, const std::string& what,
                            std::uint64_t max_bytes);

} // namespace evr
