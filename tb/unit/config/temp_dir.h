// A temporary folder for the YAML files a test writes; removed when the test ends.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "evr/common/error.h"
#include "evr/config/config.h"

namespace evr::config::test {

class temp_dir {
public:
    temp_dir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "evr_config_XXXXXX").string();
        if (!mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp failed");
        m_path = pattern;
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    // Writes `text` to NAME in the folder and returns its path.
    std::string write(const std::string& name, const std::string& text) const {
        const std::string path = (m_path / name).string();
        std::ofstream(path) << text;
        return path;
    }
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

// The input_error message of loading, or "no error".
inline std::string load_error(const std::string& file, const std::vector<std::string>& sets = {}) {
    try {
        load_config(file, sets);
    } catch (const input_error& e) {
        return e.what();
    }
    return "no error";
}

} // namespace evr::config::test
