// The CSV outputs (packets.csv, dropped.csv, timeline.csv): whole rows or nothing.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>

namespace evr::output {

// One text file written through a descriptor the run folder created (O_RDWR, so a failed
// file can be read back and cut). On a failed write (disk full, file-size limit) the file
// is cut back to its last whole line, closed, and evr::input_error "PATH: write failed:
// REASON; the file keeps its whole rows" is thrown; later writes are ignored. An
// unchecked stream would let a run end with exit 0 and a silently truncated file.
class text_file {
public:
    text_file() = default;
    text_file(int fd, std::string shown) { open(fd, std::move(shown)); }
    void open(int fd, std::string shown); // takes the descriptor; the file must be closed
    ~text_file();                         // closes; close() first to see errors
    text_file(const text_file&) = delete;
    text_file& operator=(const text_file&) = delete;

    bool is_open() const { return m_file != nullptr; }
    void write(const char* data, std::size_t size);
    void write(const std::string& s) { write(s.data(), s.size()); }
    void close(); // flushes; idempotent
    const std::string& shown() const { return m_shown; }
    // After a write error: not even the header row reached the disk, so the (empty) file
    // is no CSV and the caller should remove it.
    bool header_lost() const { return m_header_lost; }

private:
    [[noreturn]] void fail(int err);
    std::FILE* m_file = nullptr;
    std::string m_shown;
    bool m_header_lost = false;
};

// Appends the decimal digits of `v`: per-frame rows are a hot path, and ostream's locale-
// aware number formatting cost more than the simulation of the frame.
inline void append_uint(std::string& s, std::uint64_t v) {
    char digits[20];
    const auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
    s.append(digits, static_cast<std::size_t>(end - digits));
}

} // namespace evr::output
