#include "evr/common/error.h"

#include <cstdio>

namespace evr {

std::string input_error::one_line(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        } else {
            out += ch;
        }
    }
    return out;
}

namespace {
std::optional<run_failure>& failure_slot() {
    static std::optional<run_failure> slot;
    return slot;
}
} // namespace

void record_failure(run_failure failure) {
    if (!failure_slot())
        failure_slot() = std::move(failure);
}

const std::optional<run_failure>& recorded_failure() {
    return failure_slot();
}

void clear_failure() {
    failure_slot().reset();
}

std::string file_problem(const std::string& file, const std::string& problem) {
    return file + ": " + problem;
}

} // namespace evr
