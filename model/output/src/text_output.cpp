#include "text_output.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evr/common/error.h"

namespace evr::output {

namespace {

// Truncates the file after its last '\n' (to empty when it has none). Best effort: the
// caller reports the write failure whatever happens here.
void cut_to_whole_lines(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR);
    if (fd < 0)
        return;
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
        // Nothing better to do: the write error below is what the user must see.
    }
    ::close(fd);
}

} // namespace

void check_text_output(std::ofstream& f, const std::string& path) {
    if (!f.fail())
        return;
    const int err = errno; // set by the write that failed (EFBIG, ENOSPC, EIO)
    f.close();
    cut_to_whole_lines(path);
    const std::string why = err ? std::strerror(err) : "unknown error";
    throw input_error(
        file_problem(path, "write failed: " + why + "; the file keeps its whole rows"));
}

void close_text_output(std::ofstream& f, const std::string& path) {
    if (!f.is_open())
        return;
    errno = 0;
    f.close();
    check_text_output(f, path);
}

} // namespace evr::output
