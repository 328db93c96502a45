#include "evr/output/text_file.h"

#include <cerrno>
#include <cstring>
#include <stdio_ext.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evr/common/error.h"

namespace evr::output {

namespace {

// Truncates the file after its last '\n' (to empty when it has none); returns the bytes
// kept. Best effort: the caller reports the write failure whatever happens here.
off_t cut_to_whole_lines(int fd) {
    struct stat st {};
    off_t end = ::fstat(fd, &st) == 0 ? st.st_size : 0;
    char buf[4096];
    off_t keep = 0;
    while (end > 0) {
        const off_t from = end > static_cast<off_t>(sizeof buf) ? end - sizeof buf : 0;
        const ssize_t n = ::pread(fd, buf, static_cast<size_t>(end - from), from);
        if (n <= 0)
            break;
        const void* nl = ::memrchr(buf, '\n', static_cast<size_t>(n));
        if (nl) {
            keep = from + (static_cast<const char*>(nl) - buf) + 1;
            break;
        }
        end = from;
    }
    if (::ftruncate(fd, keep) != 0) {
        // Nothing better to do: the write error is what the user must see.
    }
    return keep;
}

} // namespace

void text_file::open(int fd, std::string shown) {
    m_shown = std::move(shown);
    m_file = ::fdopen(fd, "w");
    if (!m_file) {
        const int err = errno;
        ::close(fd);
        throw input_error(file_problem(m_shown, std::string("cannot open: ") + std::strerror(err)));
    }
}

text_file::~text_file() {
    try {
        close();    // a failing flush still cuts the file back to whole rows
    } catch (...) { // a destructor cannot report it; close() first to see it
    }
}

void text_file::write(const char* data, std::size_t size) {
    if (!m_file)
        return;
    if (std::fwrite(data, 1, size, m_file) != size || std::ferror(m_file))
        fail(errno);
}

void text_file::close() {
    if (!m_file)
        return;
    if (std::fflush(m_file) != 0 || std::ferror(m_file))
        fail(errno);
    std::FILE* f = m_file;
    m_file = nullptr;
    if (std::fclose(f) != 0) {
        // The data was flushed above; a failing close of a local file loses nothing more.
    }
}

void text_file::fail(int err) {
    // Drop what stdio still buffers so closing cannot append part of a row, then cut.
    __fpurge(m_file);
    m_header_lost = cut_to_whole_lines(::fileno(m_file)) == 0;
    std::fclose(m_file);
    m_file = nullptr;
    const std::string reason = err ? std::strerror(err) : "unknown error";
    throw input_error(
        file_problem(m_shown, "write failed: " + reason + "; the file keeps its whole rows"));
}

} // namespace evr::output
