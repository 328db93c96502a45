// Typed, range-checked reads of tree values.
#include "reader.h"

#include <limits>
#include <stdexcept>

#include "scalars.h"

namespace evr::config::detail {

const key_info& reader::entry(const std::string& path, value_type type) const {
    const std::string pattern = pattern_of(path);
    const key_info* k = find_key(pattern);
    // List items ("fifo.buffer_classes[1]") are checked against their list's entry.
    if (!k && pattern.size() > 2 && pattern.compare(pattern.size() - 2, 2, "[]") == 0)
        k = find_key(pattern.substr(0, pattern.size() - 2));
    if (!k)
        throw std::logic_error("evr config: no schema entry for " + path);
    const bool item_of_list = (k->type == value_type::uint_list && type == value_type::uint) ||
                              (k->type == value_type::real_list && type == value_type::real);
    if (k->type != type && !item_of_list)
        throw std::logic_error("evr config: " + path + " read with the wrong type");
    return *k;
}

std::string reader::scalar(const YAML::Node& node, const std::string& path,
                           const char* expected) const {
    if (!node.IsScalar())
        fail(path, std::string("expected ") + expected + ", got " + describe(node));
    return node.Scalar();
}

std::uint64_t reader::integer(const YAML::Node& node, const std::string& path,
                              const value_range& range, std::uint64_t max) const {
    const std::string text = scalar(node, path, "an integer");
    std::uint64_t v = 0;
    switch (parse_uint(text, v)) {
    case uint_parse::ok:
        break;
    case uint_parse::negative:
        fail(path, "expected a non-negative integer, got " + text);
    case uint_parse::fraction:
        fail(path, "expected an integer, got " + text);
    case uint_parse::not_integer:
        fail(path, "expected an integer, got " + describe(node));
    case uint_parse::too_large:
        fail(path, text + " is too large (more than 64 bits)");
    }
    if (!range.contains(static_cast<double>(v)) || v > max) {
        const std::string r = range.to_string();
        fail(path,
             text + " is out of range " + (r.empty() ? "[0, " + std::to_string(max) + "]" : r));
    }
    return v;
}

double reader::number(const YAML::Node& node, const std::string& path,
                      const value_range& range) const {
    const std::string text = scalar(node, path, "a number");
    const std::optional<double> v = parse_real(text);
    if (!v)
        fail(path, "expected a number, got " + describe(node));
    if (!range.contains(*v))
        fail(path, text + " is out of range " + range.to_string());
    return *v;
}

const YAML::Node& reader::sequence(const YAML::Node& node, const std::string& path) const {
    if (!node.IsSequence())
        fail(path, "expected a list like [a, b], got " + describe(node));
    return node;
}

bool reader::boolean(const YAML::Node& node, const std::string& path) const {
    entry(path, value_type::boolean);
    scalar(node, path, "true or false");
    bool v = false;
    if (!YAML::convert<bool>::decode(node, v))
        fail(path, "expected true or false, got " + describe(node));
    return v;
}

std::uint32_t reader::uint(const YAML::Node& node, const std::string& path) const {
    const key_info& k = entry(path, value_type::uint);
    return static_cast<std::uint32_t>(
        integer(node, path, k.range, std::numeric_limits<std::uint32_t>::max()));
}

std::uint64_t reader::uint64(const YAML::Node& node, const std::string& path) const {
    const key_info& k = entry(path, value_type::uint64);
    return integer(node, path, k.range, std::numeric_limits<std::uint64_t>::max());
}

double reader::real(const YAML::Node& node, const std::string& path) const {
    return number(node, path, entry(path, value_type::real).range);
}

std::string reader::string(const YAML::Node& node, const std::string& path) const {
    entry(path, value_type::string);
    if (node.IsNull())
        return ""; // "key:" with nothing after it
    return scalar(node, path, "a string");
}

std::string reader::enumeration(const YAML::Node& node, const std::string& path) const {
    const key_info& k = entry(path, value_type::enumeration);
    const std::string text = scalar(node, path, ("one of " + join_values(k.values)).c_str());
    for (const std::string& v : k.values)
        if (v == text)
            return text;
    fail(path, "expected one of " + join_values(k.values) + ", got " + describe(node));
}

std::vector<std::uint32_t> reader::uint_list(const YAML::Node& node,
                                             const std::string& path) const {
    entry(path, value_type::uint_list);
    std::vector<std::uint32_t> out;
    const YAML::Node& seq = sequence(node, path);
    for (std::size_t i = 0; i < seq.size(); ++i)
        out.push_back(uint(seq[i], index(path, i)));
    return out;
}

std::vector<double> reader::real_list(const YAML::Node& node, const std::string& path) const {
    entry(path, value_type::real_list);
    std::vector<double> out;
    const YAML::Node& seq = sequence(node, path);
    for (std::size_t i = 0; i < seq.size(); ++i)
        out.push_back(real(seq[i], index(path, i)));
    return out;
}

std::vector<std::string> reader::string_list(const YAML::Node& node,
                                             const std::string& path) const {
    entry(path, value_type::string_list);
    std::vector<std::string> out;
    const YAML::Node& seq = sequence(node, path);
    for (std::size_t i = 0; i < seq.size(); ++i)
        out.push_back(scalar(seq[i], index(path, i), "a string"));
    return out;
}

mac_address reader::mac(const YAML::Node& node, const std::string& path) const {
    entry(path, value_type::mac);
    const std::string text = scalar(node, path, "a MAC address");
    const std::optional<mac_address> v = parse_mac(text);
    if (!v)
        fail(path, "expected a MAC address like 02:00:00:00:00:01, got " + describe(node));
    return *v;
}

std::vector<ipv4_address> reader::ipv4_list(const YAML::Node& node, const std::string& path) const {
    entry(path, value_type::ipv4_list);
    std::vector<ipv4_address> out;
    const YAML::Node& seq = sequence(node, path);
    for (std::size_t i = 0; i < seq.size(); ++i) {
        const std::string item = index(path, i);
        const std::optional<ipv4_address> v = parse_ipv4(scalar(seq[i], item, "an IPv4 address"));
        if (!v)
            fail(item, "expected an IPv4 address like 10.0.0.1, got " + describe(seq[i]));
        out.push_back(*v);
    }
    return out;
}

std::vector<ipv6_address> reader::ipv6_list(const YAML::Node& node, const std::string& path) const {
    entry(path, value_type::ipv6_list);
    std::vector<ipv6_address> out;
    const YAML::Node& seq = sequence(node, path);
    for (std::size_t i = 0; i < seq.size(); ++i) {
        const std::string item = index(path, i);
        const std::optional<ipv6_address> v = parse_ipv6(scalar(seq[i], item, "an IPv6 address"));
        if (!v)
            fail(item, "expected an IPv6 address like fd00::1, got " + describe(seq[i]));
        out.push_back(*v);
    }
    return out;
}

std::optional<std::uint32_t> reader::imix_or_uint(const YAML::Node& node,
                                                  const std::string& path) const {
    const key_info& k = entry(path, value_type::imix_or_uint);
    const std::string text = scalar(node, path, "imix or a size in bytes");
    if (text == "imix")
        return std::nullopt;
    std::uint64_t v = 0;
    if (parse_uint(text, v) != uint_parse::ok)
        fail(path, "expected imix or a size in bytes, got " + describe(node));
    if (!k.range.contains(static_cast<double>(v)))
        fail(path, text + " is out of range " + k.range.to_string());
    return static_cast<std::uint32_t>(v);
}

} // namespace evr::config::detail
