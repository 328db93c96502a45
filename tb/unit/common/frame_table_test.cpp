// frame_table against a plain std::map under random traffic shaped like the router's:
// ascending inserts, resolution mostly soon and out of order, some frames staying long.
#include <gtest/gtest.h>
#include <map>
#include <random>
#include <string>

#include "evr/common/frame_table.h"

namespace {

TEST(frame_table, finds_inserts_and_forgets_taken_entries) {
    evr::frame_table<std::string> t(8);
    t.insert(0, "a");
    t.insert(1, "b");
    t.insert(3, "d"); // a gap: index 2 never input
    EXPECT_EQ(t.size(), 3u);
    ASSERT_NE(t.find(1), nullptr);
    EXPECT_EQ(*t.find(1), "b");
    EXPECT_EQ(t.find(2), nullptr);
    EXPECT_EQ(t.find(99), nullptr);
    EXPECT_EQ(t.take(0).value(), "a");
    EXPECT_FALSE(t.take(0).has_value());
    EXPECT_EQ(t.size(), 2u);
    EXPECT_EQ(t.indices(), (std::vector<std::uint64_t>{1, 3}));
}

TEST(frame_table, moves_stragglers_out_of_the_ring_and_still_finds_them) {
    evr::frame_table<int> t(4);
    t.insert(10, 10); // stays for the whole test
    for (int i = 11; i < 40; ++i) {
        t.insert(i, i);
        t.erase(i); // resolved at once
    }
    ASSERT_NE(t.find(10), nullptr);
    EXPECT_EQ(*t.find(10), 10);
    EXPECT_EQ(t.size(), 1u);
    t.insert(5, 5); // below the ring: kept in the overflow map as well
    EXPECT_EQ(t.indices(), (std::vector<std::uint64_t>{5, 10}));
    EXPECT_TRUE(t.erase(10));
    EXPECT_TRUE(t.erase(5));
    EXPECT_TRUE(t.empty());
}

// `max_span` 64 keeps the ring within its first allocation; 1000 makes it grow (doubling)
// while its live slots wrap around the end of the buffer.
void random_resolution(std::size_t max_span) {
    std::mt19937_64 rng(7);
    evr::frame_table<std::uint64_t> t(max_span);
    std::map<std::uint64_t, std::uint64_t> ref;
    std::uint64_t next = 0;
    for (int step = 0; step < 200000; ++step) {
        const auto roll = rng() % 100;
        if (roll < 45) {
            next += 1 + (rng() % 20 == 0 ? rng() % 100 : 0); // sometimes far ahead
            t.insert(next, next * 3);
            ref.emplace(next, next * 3);
        } else if (!ref.empty()) {
            // Mostly one of the oldest few; now and then any frame at all.
            auto it = ref.begin();
            const auto hop = roll < 95 ? rng() % 4 : rng() % ref.size();
            for (std::uint64_t i = 0; i < hop && std::next(it) != ref.end(); ++i)
                ++it;
            const auto taken = t.take(it->first);
            ASSERT_TRUE(taken.has_value()) << it->first;
            ASSERT_EQ(*taken, it->second);
            ref.erase(it);
        }
        ASSERT_EQ(t.size(), ref.size());
        const std::uint64_t probe = rng() % (next + 2);
        const auto* found = t.find(probe);
        const auto r = ref.find(probe);
        ASSERT_EQ(found != nullptr, r != ref.end()) << probe;
        if (found) {
            ASSERT_EQ(*found, r->second);
        }
    }
    std::vector<std::uint64_t> keys;
    for (const auto& [k, v] : ref)
        keys.push_back(k);
    EXPECT_EQ(t.indices(), keys);
}

TEST(frame_table, agrees_with_a_map_under_random_resolution) {
    random_resolution(64);
}

TEST(frame_table, agrees_with_a_map_while_the_ring_grows_and_wraps) {
    random_resolution(1000);
}

} // namespace
