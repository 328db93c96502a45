// write_behind: every unit reaches the writer thread once, whole and in order, and the
// producer never runs more than the queue's blocks ahead of the consumer.
#include <atomic>
#include <chrono>
#include <cstring>
#include <gtest/gtest.h>
#include <random>
#include <thread>

#include "evr/output/write_behind.h"

namespace evr::output {
namespace {

// A unit: its sequence number, its length, then filler derived from both.
std::size_t put_unit(std::uint8_t* at, std::uint32_t seq, std::uint32_t len) {
    std::memcpy(at, &seq, 4);
    std::memcpy(at + 4, &len, 4);
    for (std::uint32_t i = 8; i < len; ++i)
        at[i] = static_cast<std::uint8_t>(seq * 31 + i);
    return len;
}

struct checking_consumer {
    std::uint32_t next = 0;
    std::uint64_t bytes = 0;
    std::atomic<std::uint64_t> consumed{0};
    bool ok = true;
    std::chrono::microseconds delay{0};

    void operator()(const std::uint8_t* data, std::size_t size) {
        std::size_t pos = 0;
        while (pos < size) {
            std::uint32_t seq = 0, len = 0;
            std::memcpy(&seq, data + pos, 4);
            std::memcpy(&len, data + pos + 4, 4);
            ok = ok && seq == next && len >= 8 && pos + len <= size;
            for (std::uint32_t i = 8; ok && i < len; ++i)
                ok = data[pos + i] == static_cast<std::uint8_t>(seq * 31 + i);
            if (!ok)
                return;
            ++next;
            pos += len;
        }
        bytes += size;
        std::this_thread::sleep_for(delay);
        consumed.fetch_add(size, std::memory_order_release);
    }
};

TEST(write_behind, every_unit_arrives_once_whole_and_in_order) {
    checking_consumer c;
    std::mt19937 rng(7);
    std::uint64_t appended = 0;
    {
        write_behind q([&c](const std::uint8_t* d, std::size_t n) { c(d, n); }, 4096, 4);
        for (std::uint32_t seq = 0; seq < 200000; ++seq) {
            const std::uint32_t len = 8 + rng() % 900;
            put_unit(q.append(len), seq, len);
            appended += len;
        }
        q.finish();
    }
    EXPECT_TRUE(c.ok) << "unit " << c.next << " arrived out of order, torn or corrupt";
    EXPECT_EQ(c.next, 200000u);
    EXPECT_EQ(c.bytes, appended);
}

TEST(write_behind, a_unit_larger_than_a_block_arrives_whole) {
    checking_consumer c;
    {
        write_behind q([&c](const std::uint8_t* d, std::size_t n) { c(d, n); }, 1024, 2);
        put_unit(q.append(100), 0, 100);
        put_unit(q.append(10000), 1, 10000); // ten blocks' worth
        put_unit(q.append(100), 2, 100);
    } // the destructor finishes
    EXPECT_TRUE(c.ok);
    EXPECT_EQ(c.next, 3u);
}

TEST(write_behind, the_producer_waits_for_a_slow_consumer) {
    checking_consumer c;
    c.delay = std::chrono::microseconds(200);
    constexpr std::size_t block = 4096, blocks = 3;
    std::uint64_t appended = 0, worst_ahead = 0;
    write_behind q([&c](const std::uint8_t* d, std::size_t n) { c(d, n); }, block, blocks);
    for (std::uint32_t seq = 0; seq < 20000; ++seq) {
        put_unit(q.append(64), seq, 64);
        appended += 64;
        const std::uint64_t ahead = appended - c.consumed.load(std::memory_order_acquire);
        worst_ahead = std::max(worst_ahead, ahead);
    }
    q.finish();
    EXPECT_TRUE(c.ok);
    EXPECT_EQ(c.next, 20000u);
    // At most every block in flight (the one being filled, the queued, the one being
    // consumed): memory is bounded, whatever the consumer's speed.
    EXPECT_LE(worst_ahead, blocks * block);
    EXPECT_GT(worst_ahead, block) << "the consumer never fell behind: the test lost its point";
}

TEST(write_behind, finish_without_units_and_twice) {
    int calls = 0;
    write_behind q([&calls](const std::uint8_t*, std::size_t) { ++calls; });
    q.finish();
    q.finish();
    EXPECT_EQ(calls, 0);
}

} // namespace
} // namespace evr::output
