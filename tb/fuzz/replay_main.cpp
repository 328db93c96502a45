// Replays corpus files through a fuzz target's LLVMFuzzerTestOneInput without libFuzzer,
// so the regression corpus (tb/fuzz/regressions/<target>/) runs in every build, gcc
// included, as a plain CTest. Arguments: files or folders (every regular file inside).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

int replay(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) {
        std::fprintf(stderr, "%s: cannot read\n", p.c_str());
        return 1;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(f)),
                                  std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    std::size_t files = 0;
    int failures = 0;
    for (int i = 1; i < argc; ++i) {
        const fs::path arg(argv[i]);
        if (fs::is_directory(arg)) {
            std::vector<fs::path> inside;
            for (const auto& e : fs::directory_iterator(arg))
                if (e.is_regular_file() && e.path().filename().string().rfind("README", 0) != 0)
                    inside.push_back(e.path());
            std::sort(inside.begin(), inside.end()); // a stable order to report against
            for (const auto& p : inside) {
                failures += replay(p);
                ++files;
            }
        } else {
            failures += replay(arg);
            ++files;
        }
    }
    std::printf("replayed %zu files\n", files);
    return failures ? 1 : 0;
}
