// Strict text-to-number conversions (YAML scalars) and exact number printing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace evr::config::detail {

enum class uint_parse { ok, negative, not_integer, fraction, too_large };

// Decimal or 0x-hex, no sign, no spaces; fractions and overflow are reported, not rounded.
uint_parse parse_uint(const std::string& text, std::uint64_t& value);

// A finite number, the whole text consumed.
std::optional<double> parse_real(const std::string& text);

// Shortest text that reads back as exactly `v` ("0.9", "250", "1e-12").
std::string format_real(double v);

// "a, b, c": names or values for a message.
std::string join_values(const std::vector<std::string>& values);

} // namespace evr::config::detail
