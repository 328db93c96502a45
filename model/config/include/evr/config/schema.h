// The configuration schema: one table that defines every key evr accepts.
// Loading, validation, printing and docs/config.md are all driven by this table.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace evr::config {

enum class value_type {
    boolean,
    uint,   // unsigned 32-bit integer
    uint64, // unsigned 64-bit integer
    real,   // double
    string,
    enumeration,  // one of key_info::values
    uint_list,    // list of uint; the range applies to each item
    real_list,    // list of double; the range applies to each item
    string_list,  // list of strings
    mac,          // "02:00:00:00:00:01"
    ipv4_list,    // list of dotted-quad IPv4 addresses
    ipv6_list,    // list of IPv6 addresses (any inet_pton form)
    imix_or_uint, // the word "imix" or an integer in range
    map_list,     // list of maps whose item keys are "<path>[].<key>"
    map,          // map of overrides (connections[].vm accepts any vm.* key)
};

// Numeric range of a value (or of each item of a list). Unset bounds are open-ended.
struct value_range {
    std::optional<double> lo;
    std::optional<double> hi;
    bool lo_open = false; // (lo, ...] rather than [lo, ...]
    bool hi_open = false;

    bool contains(double v) const;
    std::string to_string() const; // "[64, 65535]", "(0, 10000]", "" when unbounded
};

struct key_info {
    std::string path; // dotted; list items as "connections[].mac"
    value_type type = value_type::string;
    std::string default_yaml;        // YAML text of the default; "" = no default (item keys)
    std::string unit;                // "bytes", "cycles", ... or "" when unitless
    value_range range;               // numeric types only
    std::vector<std::string> values; // enumeration values
    std::string constraint;          // rules beyond the range, in words, for the docs
    std::string meaning;             // one line
    std::string cli_flag;            // evrsim flag that sets this key ("--fifo"), or ""
    bool required = false;           // item keys that must be given
    bool is_path = false;            // a file path: relative paths in a file are resolved
                                     // against the file's folder
};

// Every key, in documentation and printing order.
const std::vector<key_info>& schema();

// The entry for a key pattern ("fifo.pool.grow_below", "connections[].vm.ring_entries"):
// indices are written as "[]". connections[].vm.<k> resolves to vm.<k>. nullptr if unknown.
const key_info* find_key(const std::string& pattern);

// True when the pattern names a map of keys rather than a value ("fifo", "fifo.pool").
bool is_section(const std::string& pattern);

// Every valid pattern: keys, sections, and connections[].vm.<k> aliases (for suggestions).
std::vector<std::string> all_patterns();

// "connections[3].vm.ring_entries" -> "connections[].vm.ring_entries".
std::string pattern_of(const std::string& path);

// Human name of a type for messages and docs ("uint", "list of double", ...).
std::string type_name(const key_info& k);

// The Markdown reference table of every key (docs/config.md, between the markers).
std::string reference_table();

// Markers around the generated table in docs/config.md.
inline constexpr const char* doc_begin_marker = "<!-- BEGIN GENERATED KEYS -->";
inline constexpr const char* doc_end_marker = "<!-- END GENERATED KEYS -->";

// Returns `doc` with the text between the markers replaced by `table`.
// Throws std::runtime_error when the markers are missing or out of order.
std::string replace_generated_table(const std::string& doc, const std::string& table);

} // namespace evr::config
