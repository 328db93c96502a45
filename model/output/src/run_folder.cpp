#include "evr/output/run_folder.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evr/common/error.h"

namespace evr::output {

namespace {

namespace fs = std::filesystem;

constexpr const char* stage_prefix = ".evrsim-staging-";
// Where reserve() keeps its space: a name no output has, never published.
constexpr const char* reserve_name = ".reserved";

std::string why(int err) {
    return std::strerror(err);
}

const char* kind_of(mode_t mode) {
    if (S_ISLNK(mode))
        return "a symbolic link";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device node";
    if (S_ISDIR(mode))
        return "a folder";
    return "a file";
}

bool is_output_name(const std::string& name) {
    const auto& names = run_folder::output_names();
    return std::find(names.begin(), names.end(), name) != names.end();
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The entries of an open folder, without "." and "..".
std::vector<std::string> entries(int dirfd, const std::string& shown) {
    const int fd = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* d = fd >= 0 ? ::fdopendir(fd) : nullptr;
    if (!d) {
        const int err = errno;
        if (fd >= 0)
            ::close(fd);
        throw input_error(file_problem(shown, "cannot list the folder: " + why(err)));
    }
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {
        const std::string n = e->d_name;
        if (n != "." && n != "..")
            names.push_back(n);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

int open_subfolder(int dirfd, const std::string& name, const std::string& shown) {
    const int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        throw input_error(file_problem(shown, "cannot open the folder: " + why(errno)));
    return fd;
}

// What evrsim itself leaves in a folder: `depth` 0 is the run folder (outputs, conn/,
// staging folders of killed runs), 1 a staging folder (outputs, conn/), and conn/ holds
// only .pcap files. Throws input_error naming the first entry evrsim did not write.
void check_run_entries(int dirfd, const std::string& shown, int depth, bool conn) {
    for (const std::string& n : entries(dirfd, shown)) {
        struct stat st {};
        const std::string here = shown + "/" + n;
        if (::fstatat(dirfd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            throw input_error(file_problem(here, "cannot inspect: " + why(errno)));
        bool ours = false;
        bool folder = false;
        if (conn) {
            ours = S_ISREG(st.st_mode) && ends_with(n, ".pcap");
        } else if (n == "conn" || (depth == 0 && n.rfind(stage_prefix, 0) == 0)) {
            ours = folder = S_ISDIR(st.st_mode);
        } else {
            ours = S_ISREG(st.st_mode) && (is_output_name(n) || (depth == 1 && n == reserve_name));
        }
        if (!ours)
            throw input_error(file_problem(
                here, std::string("is ") + kind_of(st.st_mode) +
                          " that evrsim did not write; the output folder must be empty, new or "
                          "an earlier evrsim run folder (refusing to touch it)"));
        if (folder) {
            const int sub = open_subfolder(dirfd, n, here);
            try {
                check_run_entries(sub, here, depth + 1, n == "conn");
            } catch (...) {
                ::close(sub);
                throw;
            }
            ::close(sub);
        }
    }
}

// Removes an entry check_run_entries accepted; never follows a link (unlinkat removes
// the link itself).
void remove_entry(int dirfd, const std::string& name, const std::string& shown) {
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        const int sub = open_subfolder(dirfd, name, shown + "/" + name);
        for (const std::string& n : entries(sub, shown + "/" + name))
            remove_entry(sub, n, shown + "/" + name);
        ::close(sub);
        if (::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) != 0)
            throw input_error(file_problem(shown + "/" + name, "cannot remove: " + why(errno)));
        return;
    }
    if (::unlinkat(dirfd, name.c_str(), 0) != 0)
        throw input_error(file_problem(shown + "/" + name, "cannot remove: " + why(errno)));
}

std::string random_hex() {
    unsigned char bytes[8] = {};
    if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes))
        throw input_error("evrsim: no random numbers for a temporary name: " + why(errno));
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (unsigned char b : bytes) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

int create_in(int dirfd, const std::string& name, const std::string& shown) {
    const int fd =
        ::openat(dirfd, name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        const int err = errno;
        std::string problem = "cannot create: " + why(err);
        if (err == EMFILE || err == ENFILE)
            problem += " (one file descriptor per open pcap; raise the limit with `ulimit -n`)";
        if (err == ENAMETOOLONG)
            problem = "the file system refuses the name as too long";
        throw input_error(file_problem(shown, problem));
    }
    return fd;
}

// Refuses the folder itself when it is not one: a file, a dangling link.
void check_folder_path(const std::string& path) {
    struct stat lst {};
    if (::lstat(path.c_str(), &lst) != 0) {
        if (errno != ENOENT)
            throw input_error(file_problem(path, "cannot use as output folder: " + why(errno)));
        std::error_code ec;
        fs::create_directories(path, ec);
        if (ec)
            throw input_error(file_problem(path, "cannot create output folder: " + ec.message()));
        return;
    }
    struct stat st {};
    if (S_ISLNK(lst.st_mode) && ::stat(path.c_str(), &st) != 0)
        throw input_error(file_problem(path, "is a dangling symbolic link, not an output folder"));
    if (!S_ISLNK(lst.st_mode))
        st = lst;
    if (!S_ISDIR(st.st_mode))
        throw input_error(file_problem(path, std::string("exists and is ") + kind_of(st.st_mode) +
                                                 ", not an output folder"));
}

} // namespace

const std::vector<std::string>& run_folder::output_names() {
    static const std::vector<std::string> names = {"stats.json",      "packets.csv",  "dropped.csv",
                                                   "dropped.pcap",    "timeline.csv", "config.yaml",
                                                   "provenance.json", "conn"};
    return names;
}

run_folder::run_folder(const std::string& path, bool force) : m_path(path) {
    check_folder_path(path);
    m_dir = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (m_dir < 0)
        throw input_error(file_problem(path, "cannot open the output folder: " + why(errno)));
    try {
        // The lock lives on the folder itself, so no lock file can be planted or left.
        if (::flock(m_dir, LOCK_EX | LOCK_NB) != 0)
            throw input_error(file_problem(
                path, errno == EWOULDBLOCK
                          ? "in use by another evrsim run (the folder is locked); choose another "
                            "output folder or wait for that run to end"
                          : "cannot lock the output folder: " + why(errno)));
        check_run_entries(m_dir, path, 0, false);
        const std::vector<std::string> earlier = entries(m_dir, path);
        if (!earlier.empty()) {
            if (!force)
                throw input_error(file_problem(
                    path, "holds an earlier run; add --force to replace it, or choose another "
                          "output folder"));
            // stats.json first: from here on the folder never passes for a complete run.
            remove_entry(m_dir, stats_name, path);
            for (const std::string& n : earlier)
                remove_entry(m_dir, n, path);
        }
        for (int attempt = 0; m_stage < 0; ++attempt) {
            const std::string name = stage_prefix + random_hex();
            if (::mkdirat(m_dir, name.c_str(), 0700) != 0) {
                if (errno == EEXIST && attempt < 8)
                    continue;
                throw input_error(
                    file_problem(path, "output folder is not writable: " + why(errno)));
            }
            m_stage_name = name;
            m_stage = open_subfolder(m_dir, name, display(name));
        }
        if (::mkdirat(m_stage, "conn", 0755) != 0)
            throw input_error(file_problem(display("conn"), "cannot create: " + why(errno)));
        m_conn = open_subfolder(m_stage, "conn", display("conn"));
    } catch (...) {
        if (m_stage >= 0) {
            ::close(m_stage);
            m_stage = -1;
            remove_entry(m_dir, m_stage_name, path);
        }
        ::close(m_dir);
        throw;
    }
}

run_folder::~run_folder() {
    try {
        publish();
    } catch (...) { // a destructor cannot report it; the staging folder keeps the files
    }
    if (m_conn >= 0)
        ::close(m_conn);
    if (m_stage >= 0)
        ::close(m_stage);
    if (m_dir >= 0)
        ::close(m_dir); // releases the lock
}

int run_folder::create(const std::string& name) {
    return create_in(m_stage, name, display(name));
}

int run_folder::create_conn(const std::string& name) {
    return create_in(m_conn, name, display_conn(name));
}

void run_folder::reserve(const std::string& name, std::size_t bytes) {
    const int fd = create(reserve_name);
    const int rc = ::posix_fallocate(fd, 0, static_cast<off_t>(bytes));
    ::close(fd);
    if (rc != 0) { // no space even now, or no preallocation here: write_whole() will try
        ::unlinkat(m_stage, reserve_name, 0);
        return;
    }
    m_reserved = name;
}

void run_folder::write_whole(const std::string& name, const std::string& content) {
    // Into the reserved space when there is one (cut to size, then renamed): writing
    // inside allocated blocks needs no more of the disk.
    const bool reserved = name == m_reserved;
    int fd = -1;
    if (reserved) {
        fd = ::openat(m_stage, reserve_name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            throw input_error(
                file_problem(display(name), "cannot open its reserved space: " + why(errno)));
    } else {
        fd = create(name);
    }
    std::size_t done = 0;
    int err = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    if (err == 0 && reserved && ::ftruncate(fd, static_cast<off_t>(content.size())) != 0)
        err = errno;
    if (::close(fd) != 0 && err == 0)
        err = errno;
    const char* written = reserved ? reserve_name : name.c_str();
    if (err == 0 && reserved && ::renameat(m_stage, reserve_name, m_stage, name.c_str()) != 0)
        err = errno;
    if (reserved)
        m_reserved.clear();
    if (err != 0) {
        ::unlinkat(m_stage, written, 0);
        throw input_error(file_problem(display(name), "cannot write: " + why(err)));
    }
}

void run_folder::remove(const std::string& name) {
    ::unlinkat(m_stage, name.c_str(), 0);
}

void run_folder::remove_conn(const std::string& name) {
    ::unlinkat(m_conn, name.c_str(), 0);
}

void run_folder::publish() {
    if (m_published || m_stage < 0)
        return;
    m_published = true;
    ::unlinkat(m_stage, reserve_name, 0); // space reserved for a file never written
    std::vector<std::string> names = entries(m_stage, display(m_stage_name));
    // stats.json last: a folder with a stats.json holds every file of that run.
    std::stable_partition(names.begin(), names.end(),
                          [](const std::string& n) { return n != stats_name; });
    std::string problem;
    for (const std::string& n : names) {
        // renameat replaces whatever was planted under the name (a link, a FIFO) without
        // following it; only a folder planted there makes it fail.
        if (::renameat(m_stage, n.c_str(), m_dir, n.c_str()) != 0 && problem.empty())
            problem =
                file_problem(display(n), "cannot move into place: " + why(errno) +
                                             "; the run's files stay in " + display(m_stage_name));
    }
    if (!problem.empty())
        throw input_error(problem);
    ::close(m_conn);
    m_conn = -1;
    ::close(m_stage);
    m_stage = -1;
    ::unlinkat(m_dir, m_stage_name.c_str(), AT_REMOVEDIR);
}

bool run_folder::contains(const std::string& folder, const std::string& other) {
    std::error_code ec;
    const fs::path f = fs::weakly_canonical(fs::absolute(folder, ec), ec);
    if (ec)
        return false;
    const fs::path o = fs::weakly_canonical(fs::absolute(other, ec), ec);
    if (ec)
        return false;
    const std::string fs_ = f.string();
    const std::string os_ = o.string();
    return os_ == fs_ || os_.rfind(fs_.back() == '/' ? fs_ : fs_ + "/", 0) == 0;
}

} // namespace evr::output
