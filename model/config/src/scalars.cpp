// Number parsing is done by hand: yaml-cpp's stream conversions accept "1.5" as 1 and
// wrap "-1" for unsigned types on some versions.
#include "scalars.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace evr::config::detail {

uint_parse parse_uint(const std::string& text, std::uint64_t& value) {
    if (text.empty())
        return uint_parse::not_integer;
    if (text[0] == '-')
        return parse_real(text) ? uint_parse::negative : uint_parse::not_integer;
    const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const unsigned base = hex ? 16 : 10;
    value = 0;
    bool overflow = false;
    for (std::size_t i = hex ? 2 : 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        unsigned digit = 0;
        if (std::isdigit(c))
            digit = c - '0';
        else if (hex && std::isxdigit(c))
            digit = static_cast<unsigned>(std::tolower(c) - 'a' + 10);
        else
            return parse_real(text) ? uint_parse::fraction : uint_parse::not_integer;
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / base)
            overflow = true;
        value = value * base + digit;
    }
    return overflow ? uint_parse::too_large : uint_parse::ok;
}

std::optional<double> parse_real(const std::string& text) {
    if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])))
        return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || !std::isfinite(v) || errno == ERANGE)
        return std::nullopt;
    // strtod also reads hex floats and "infinity"; YAML users mean neither.
    for (char c : text)
        if (std::isalpha(static_cast<unsigned char>(c)) && c != 'e' && c != 'E')
            return std::nullopt;
    return v;
}

std::string format_real(double v) {
    char buf[64];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (std::strtod(buf, nullptr) == v)
            break;
    }
    // "1e+04" for 10000 is exact but reads badly in a config file.
    if (std::string(buf).find('e') != std::string::npos && std::fabs(v) < 1e15 &&
        v == std::floor(v))
        std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
}

std::string join_values(const std::vector<std::string>& values) {
    std::string text;
    for (std::size_t i = 0; i < values.size(); ++i)
        text += (i ? ", " : "") + values[i];
    return text;
}

} // namespace evr::config::detail
