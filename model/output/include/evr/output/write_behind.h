// Hands the run's output records from the simulation thread to one writer thread
// (docs/components/output.md, "Writing off the simulation thread"). The simulation
// appends records into fixed blocks; a full block goes to the writer, which formats and
// writes it while the model goes on. Memory is bounded: when every block waits for the
// writer, append() waits too (the model is slowed, nothing grows).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace evr::output {

class write_behind {
public:
    // Called on the writer thread with each block's bytes, in the order they were
    // appended. It must not throw: a consumer records its own failures.
    using consumer = std::function<void(const std::uint8_t* data, std::size_t size)>;

    static constexpr std::size_t default_block_bytes = std::size_t{256} << 10;
    static constexpr std::size_t default_blocks = 32; // 8 MiB in flight at most

    explicit write_behind(consumer consume, std::size_t block_bytes = default_block_bytes,
                          std::size_t blocks = default_blocks);
    ~write_behind(); // finish()
    write_behind(const write_behind&) = delete;
    write_behind& operator=(const write_behind&) = delete;

    // Room for `bytes` contiguous bytes, never split across blocks; fill it before the
    // next call. A unit larger than a block gets a block of its own size.
    std::uint8_t* append(std::size_t bytes);
    // Hands over what was appended, waits until the writer has consumed all of it and
    // ends the thread. Idempotent; nothing may be appended afterwards.
    void finish();

private:
    struct block {
        std::vector<std::uint8_t> bytes;
        std::size_t used = 0;
    };
    void hand_over(); // the current block to the writer; takes a free one (may wait)
    void loop();

    consumer m_consume;
    std::size_t m_block_bytes;
    std::vector<block> m_blocks;
    std::size_t m_current = 0;
    std::mutex m_mutex;
    std::condition_variable m_work; // the writer waits for full blocks
    std::condition_variable m_free; // the producer waits for free blocks
    std::deque<std::size_t> m_full;
    std::vector<std::size_t> m_free_list;
    bool m_done = false;
    bool m_finished = false;
    std::thread m_thread;
};

} // namespace evr::output
