#include "provenance.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <openssl/evp.h>
#include <pcap/pcap.h>
#include <sys/stat.h>
#include <unistd.h>

#include <systemc>

#include "build_info.h"
#include "run_monitor.h"

namespace evr::app {

namespace {

// A word the shell reads back as itself: bare when it is only safe characters, otherwise
// in single quotes (a quote inside written as '\'').
std::string shell_word(const std::string& w) {
    if (!w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789_-+=.,/:@%") == std::string::npos)
        return w;
    std::string out = "'";
    for (char c : w)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

nlohmann::json file_identity(const std::string& path) {
    nlohmann::json j = {{"path", path}};
    char* real = ::realpath(path.c_str(), nullptr);
    if (real) {
        j["absolute_path"] = real;
        std::free(real);
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        j["sha256"] = nullptr; // a pipe or device: no identity short of its bytes
        return j;
    }
    j["size_bytes"] = static_cast<std::uint64_t>(st.st_size);
    j["sha256"] = sha256_of_file(path);
    return j;
}

std::string utc_now() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace

std::string evrsim_version() {
    std::string v = std::string("evrsim ") + build_version + " (git " + build_commit;
    if (build_dirty)
        v += ", uncommitted changes";
    return v + ")";
}

std::string versions_text() {
    return evrsim_version() + "\nSystemC " + sc_core::sc_release() + "\nVerilator " +
           build_verilator + "\n" + pcap_lib_version();
}

std::string sha256_of_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return "";
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1;
    std::unique_ptr<unsigned char[]> buf(new unsigned char[1 << 20]);
    while (ok) {
        const ssize_t n = ::read(fd, buf.get(), 1 << 20);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        ok = EVP_DigestUpdate(ctx.get(), buf.get(), static_cast<std::size_t>(n)) == 1;
        if (stop_signal() != 0) { // a large trace takes seconds: answer a signal now
            ::close(fd);
            throw interrupted_error{stop_signal()};
        }
    }
    ::close(fd);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ok || EVP_DigestFinal_ex(ctx.get(), md, &len) != 1)
        return "";
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < len; ++i) {
        hex += digits[md[i] >> 4];
        hex += digits[md[i] & 15];
    }
    return hex;
}

nlohmann::json make_provenance(const cli_options& opts, const config::config& cfg) {
    nlohmann::json j;
    j["schema"] = "evr-provenance/1";
    j["evrsim"] = {{"version", build_version},     {"git_commit", build_commit},
                   {"git_dirty", build_dirty},     {"systemc", sc_core::sc_release()},
                   {"verilator", build_verilator}, {"libpcap", pcap_lib_version()}};
    std::string command;
    for (const std::string& a : opts.argv)
        command += (command.empty() ? "" : " ") + shell_word(a);
    char cwd[4096];
    j["command"] = {
        {"argv", opts.argv}, {"shell", command}, {"cwd", ::getcwd(cwd, sizeof cwd) ? cwd : ""}};
    // What reruns it: the same input with the effective configuration written beside.
    std::string rerun = "evrsim";
    if (opts.trace)
        rerun += " " + shell_word(*opts.trace);
    rerun += " -c " + shell_word(opts.outdir + "/config.yaml") + " -o NEW_FOLDER";
    j["command"]["rerun"] = rerun;
    j["input"] = opts.trace ? file_identity(*opts.trace)
                            : nlohmann::json{{"path", nullptr}, {"builtin_workload", true}};
    if (!opts.config_file.empty())
        j["config_file"] = file_identity(opts.config_file);
    j["sets"] = opts.sets;
    j["seed"] = cfg.seed;
    j["started_utc"] = utc_now();
    char host[256] = "";
    ::gethostname(host, sizeof host - 1);
    j["host"] = host;
    return j;
}

} // namespace evr::app
