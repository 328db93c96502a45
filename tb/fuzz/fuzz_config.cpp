// libFuzzer target: the configuration loader (model/config load_config) on arbitrary YAML.
// Input: the file's text, optionally followed by NUL-separated `--set` overrides
// ("key=value"). The loader opens files by path, so the text goes into a memfd read back
// through /proc/self/fd/N.
// Contract checked: a bad configuration is an evr::input_error of one line (no other
// exception escapes, in particular none of yaml-cpp's); a good one prints (to_yaml) as
// YAML that loads back to an equal configuration, as `evrsim --print-config` promises.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include "evr/common/error.h"
#include "evr/config/config.h"

namespace {

int make_fd(const char* name) {
    const int fd = memfd_create(name, 0);
    if (fd < 0)
        std::abort();
    return fd;
}

std::string put(int fd, const char* data, std::size_t size) {
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))
        std::abort();
    return "/proc/self/fd/" + std::to_string(fd);
}

void check_one_line(const evr::input_error& e) {
    const std::string what = e.what();
    if (what.empty() || what.find('\n') != std::string::npos)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const int file_fd = make_fd("evr_fuzz_config");
    static const int again_fd = make_fd("evr_fuzz_config_again");
    if (size > 64 * 1024)
        return 0; // a config is small; huge inputs only slow the search down

    const char* text = reinterpret_cast<const char*>(data);
    const std::string all(text, size);
    const std::size_t nul = all.find('\0');
    std::vector<std::string> sets;
    if (nul != std::string::npos) {
        std::size_t from = nul + 1;
        while (from <= all.size() && sets.size() < 8) {
            const std::size_t to = std::min(all.find('\0', from), all.size());
            sets.push_back(all.substr(from, to - from));
            from = to + 1;
        }
    }
    const std::string path = put(file_fd, text, nul == std::string::npos ? size : nul);

    evr::config::config cfg;
    try {
        cfg = evr::config::load_config(path, sets);
    } catch (const evr::input_error& e) {
        check_one_line(e);
        return 0;
    }
    const std::string printed = evr::config::to_yaml(cfg);
    try {
        const evr::config::config again =
            evr::config::load_config(put(again_fd, printed.data(), printed.size()), {});
        if (again != cfg)
            std::abort(); // --print-config output does not mean the same configuration
    } catch (const evr::input_error&) {
        std::abort(); // --print-config output does not even load
    }
    return 0;
}
