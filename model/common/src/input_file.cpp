#include "evr/common/input_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evr/common/error.h"

namespace evr {

namespace {

std::string size_text(std::uint64_t bytes) {
    if (bytes >= (std::uint64_t{1} << 20) && bytes % (std::uint64_t{1} << 20) == 0)
        return std::to_string(bytes >> 20) + " MiB";
    return std::to_string(bytes) + " bytes";
}

} // namespace

std::string read_input_file(const std::string& path, const std::string& what,
                            std::uint64_t max_bytes) {
    // O_NONBLOCK: opening a FIFO with no writer yet must not hang before it is inspected.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        throw input_error(file_problem(path, std::string("cannot open: ") + std::strerror(errno)));
    struct stat st {};
    ::fstat(fd, &st);
    const char* kind = S_ISDIR(st.st_mode)    ? "a folder"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : nullptr;
    const std::string too_long =
        "longer than " + size_text(max_bytes) + ", the most a " + what + " may be";
    if (kind || (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > max_bytes)) {
        ::close(fd);
        throw input_error(file_problem(
            path, kind ? std::string("is ") + kind + ", not a " + what + " file" : too_long));
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK); // a pipe: wait for its writer
    std::string text;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            throw input_error(
                file_problem(path, "cannot read the " + what + ": " + std::strerror(err)));
        }
        if (n == 0)
            break;
        if (text.size() + static_cast<std::size_t>(n) > max_bytes) {
            ::close(fd);
            throw input_error(file_problem(path, too_long));
        }
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return text;
}

} // namespace evr
