#include "evr/common/error.h"

namespace evr {

std::string file_problem(const std::string& file, const std::string& problem) {
    return file + ": " + problem;
}

} // namespace evr
