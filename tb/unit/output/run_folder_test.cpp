// run_folder in a scratch folder: what a run leaves, where, and what it refuses.
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <unistd.h>

#include "evr/common/error.h"
#include "evr/output/run_folder.h"

namespace evr::output {
namespace {

namespace fs = std::filesystem;

struct scratch {
    fs::path dir;
    scratch() {
        char tmpl[] = "/tmp/evr-run-folder-XXXXXX";
        dir = ::mkdtemp(tmpl);
    }
    ~scratch() { fs::remove_all(dir); }
};

std::string read(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

std::vector<std::string> names(const fs::path& p) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(p))
        out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

TEST(run_folder, files_appear_only_when_published) {
    scratch s;
    const fs::path out = s.dir / "out";
    {
        run_folder f(out.string(), false);
        f.write_whole("config.yaml", "a: 1\n");
        const int fd = f.create_conn("x.pcap");
        ASSERT_EQ(::write(fd, "pcap", 4), 4);
        ::close(fd);
        const std::vector<std::string> during = names(out);
        ASSERT_EQ(during.size(), 1u);
        EXPECT_EQ(during[0].rfind(".evrsim-staging-", 0), 0u);
        f.publish();
    }
    EXPECT_EQ(names(out), (std::vector<std::string>{"config.yaml", "conn"}));
    EXPECT_EQ(read(out / "config.yaml"), "a: 1\n");
    EXPECT_EQ(read(out / "conn" / "x.pcap"), "pcap");
}

TEST(run_folder, reserved_space_holds_exactly_what_is_written) {
    scratch s;
    const fs::path out = s.dir / "out";
    {
        run_folder f(out.string(), false);
        f.reserve(run_folder::stats_name, 1 << 20);
        f.write_whole(run_folder::stats_name, "{}\n");
    }
    EXPECT_EQ(read(out / "stats.json"), "{}\n");
    EXPECT_EQ(fs::file_size(out / "stats.json"), 3u);
    EXPECT_EQ(names(out), (std::vector<std::string>{"conn", "stats.json"}));
}

TEST(run_folder, an_unused_reservation_leaves_nothing) {
    scratch s;
    const fs::path out = s.dir / "out";
    {
        run_folder f(out.string(), false);
        f.reserve(run_folder::stats_name, 4096);
    } // destroyed unpublished: publishes what there is
    EXPECT_EQ(names(out), (std::vector<std::string>{"conn"}));
}

TEST(run_folder, an_earlier_run_needs_force_and_nothing_of_it_survives) {
    scratch s;
    const fs::path out = s.dir / "out";
    {
        run_folder f(out.string(), false);
        f.write_whole("stats.json", "old\n");
        ::close(f.create_conn("old.pcap"));
    }
    EXPECT_THROW(run_folder(out.string(), false), input_error);
    EXPECT_EQ(read(out / "stats.json"), "old\n");
    {
        run_folder f(out.string(), true);
        EXPECT_FALSE(fs::exists(out / "stats.json")) << "the earlier verdict outlived --force";
        ::close(f.create_conn("new.pcap"));
    }
    EXPECT_EQ(names(out / "conn"), (std::vector<std::string>{"new.pcap"}));
}

TEST(run_folder, a_folder_in_use_is_refused) {
    scratch s;
    const fs::path out = s.dir / "out";
    run_folder first(out.string(), false);
    try {
        run_folder second(out.string(), true);
        FAIL() << "two runs shared a folder";
    } catch (const input_error& e) {
        EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
    }
}

TEST(run_folder, contains_resolves_links_and_not_prefixes) {
    scratch s;
    fs::create_directories(s.dir / "out");
    fs::create_directories(s.dir / "out2");
    fs::create_directory_symlink(s.dir / "out", s.dir / "alias");
    const std::string out = (s.dir / "out").string();
    EXPECT_TRUE(run_folder::contains(out, out + "/w.vcd"));
    EXPECT_TRUE(run_folder::contains(out, out + "/conn/new/x.vcd")); // not there yet
    EXPECT_TRUE(run_folder::contains(out, (s.dir / "alias" / "w.vcd").string()));
    EXPECT_TRUE(run_folder::contains(out, out + "/../out/w.vcd"));
    EXPECT_FALSE(run_folder::contains(out, (s.dir / "out2" / "w.vcd").string()));
    EXPECT_FALSE(run_folder::contains(out, (s.dir / "w.vcd").string()));
}

} // namespace
} // namespace evr::output
