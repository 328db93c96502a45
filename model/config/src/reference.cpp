// Generates the Markdown reference table of docs/config.md from the schema.
#include <stdexcept>
#include <string>

#include "evr/config/schema.h"

namespace evr::config {
namespace {

// Table cells cannot hold a bare '|'.
std::string cell(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '|')
            out += '\\';
        out += c;
    }
    return out;
}

std::string code(const std::string& text) {
    return text.empty() ? "" : "`" + text + "`";
}

std::string default_cell(const key_info& k) {
    if (k.required)
        return "required";
    if (k.default_yaml.empty())
        return "absent";
    return code(k.default_yaml);
}

std::string range_cell(const key_info& k) {
    std::string text = k.range.to_string();
    if (k.type == value_type::uint_list || k.type == value_type::real_list)
        text = text.empty() ? "" : "each in " + text;
    if (k.type == value_type::imix_or_uint)
        text = "`imix` or " + text;
    if (!k.constraint.empty())
        text += (text.empty() ? "" : "; ") + k.constraint;
    return text;
}

std::string meaning_cell(const key_info& k) {
    std::string text = k.meaning;
    if (!k.cli_flag.empty())
        text += " (also `" + k.cli_flag + "`)";
    return text;
}

} // namespace

std::string reference_table() {
    std::string out = "| Key | Type | Default | Unit | Meaning | Range |\n"
                      "|-----|------|---------|------|---------|-------|\n";
    for (const key_info& k : schema()) {
        out += "| " + code(k.path) + " | " + cell(type_name(k)) + " | " + cell(default_cell(k)) +
               " | " + cell(k.unit) + " | " + cell(meaning_cell(k)) + " | " + cell(range_cell(k)) +
               " |\n";
    }
    return out;
}

std::string replace_generated_table(const std::string& doc, const std::string& table) {
    const std::string begin = doc_begin_marker;
    const std::string end = doc_end_marker;
    const std::size_t b = doc.find(begin);
    const std::size_t e = doc.find(end);
    if (b == std::string::npos || e == std::string::npos || e < b)
        throw std::runtime_error("the markers " + begin + " and " + end +
                                 " are missing or out of order");
    return doc.substr(0, b + begin.size()) + "\n" + table + doc.substr(e);
}

} // namespace evr::config
