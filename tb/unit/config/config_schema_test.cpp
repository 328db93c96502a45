// The schema table is consistent, and docs/config.md shows its current reference table.
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "evr/config/config.h"
#include "evr/config/schema.h"

namespace evr::config::test {
namespace {

TEST(config_schema, keys_are_unique_and_described) {
    for (std::size_t i = 0; i < schema().size(); ++i) {
        const key_info& k = schema()[i];
        EXPECT_FALSE(k.meaning.empty()) << k.path;
        EXPECT_EQ(find_key(k.path), &k) << k.path << " is listed twice";
        if (k.type == value_type::enumeration) {
            ASSERT_FALSE(k.values.empty()) << k.path;
            EXPECT_NE(std::find(k.values.begin(), k.values.end(), k.default_yaml), k.values.end())
                << k.path << ": default is not one of the values";
        }
    }
}

TEST(config_schema, numeric_defaults_are_in_range) {
    for (const key_info& k : schema()) {
        if (k.type != value_type::uint && k.type != value_type::uint64 &&
            k.type != value_type::real)
            continue;
        if (k.default_yaml.empty())
            continue;
        EXPECT_TRUE(k.range.contains(std::stod(k.default_yaml))) << k.path;
    }
}

TEST(config_schema, lookups) {
    EXPECT_EQ(find_key("connections[].vm.ring_entries"), find_key("vm.ring_entries"));
    EXPECT_EQ(find_key("fifo"), nullptr);
    EXPECT_TRUE(is_section("fifo.pool"));
    EXPECT_FALSE(is_section("fifo.backend"));
    EXPECT_EQ(pattern_of("connections[12].vm.x"), "connections[].vm.x");
    EXPECT_EQ(value_range({0.0, 100.0, true, false}).to_string(), "(0, 100]");
}

TEST(config_schema, docs_are_in_sync) {
    const std::string path = EVR_SOURCE_DIR "/docs/config.md";
    std::ifstream in(path);
    ASSERT_TRUE(in) << "cannot open " << path;
    std::ostringstream doc;
    doc << in.rdbuf();
    const std::string expected = replace_generated_table(doc.str(), reference_table());
    EXPECT_EQ(doc.str(), expected)
        << "docs/config.md does not show the current schema. Update it with:\n"
           "  ninja -C " EVR_BINARY_DIR " evr_config_doc && " EVR_BINARY_DIR
           "/bin/evr_config_doc --update\n";
}

} // namespace
} // namespace evr::config::test
