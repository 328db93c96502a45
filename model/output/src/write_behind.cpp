#include "evr/output/write_behind.h"

#include <csignal>
#include <pthread.h>

namespace evr::output {

write_behind::write_behind(consumer consume, std::size_t block_bytes, std::size_t blocks)
    : m_consume(std::move(consume)), m_block_bytes(block_bytes), m_blocks(blocks < 2 ? 2 : blocks) {
    for (std::size_t i = 1; i < m_blocks.size(); ++i)
        m_free_list.push_back(i);
    m_blocks[0].bytes.resize(m_block_bytes);
    // The writer takes no signals: SIGINT/SIGTERM/SIGHUP reach the simulation thread,
    // whose handler stops the run in order (signals blocked here are inherited).
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    m_thread = std::thread([this] { loop(); });
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

write_behind::~write_behind() {
    finish();
}

std::uint8_t* write_behind::append(std::size_t bytes) {
    block* b = &m_blocks[m_current];
    if (b->used + bytes > b->bytes.size()) {
        if (b->used > 0) {
            hand_over();
            b = &m_blocks[m_current];
        }
        if (bytes > b->bytes.size())
            b->bytes.resize(bytes); // an outsize unit (a jumbo frame with a small block)
    }
    std::uint8_t* at = b->bytes.data() + b->used;
    b->used += bytes;
    return at;
}

void write_behind::hand_over() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_full.push_back(m_current);
    m_work.notify_one();
    m_free.wait(lock, [this] { return !m_free_list.empty(); });
    m_current = m_free_list.back();
    m_free_list.pop_back();
    block& b = m_blocks[m_current];
    b.used = 0;
    if (b.bytes.size() < m_block_bytes)
        b.bytes.resize(m_block_bytes); // first use: pages are touched only when needed
}

void write_behind::loop() {
    for (;;) {
        std::size_t i = 0;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_work.wait(lock, [this] { return !m_full.empty() || m_done; });
            if (m_full.empty())
                return; // done, and everything consumed
            i = m_full.front();
            m_full.pop_front();
        }
        m_consume(m_blocks[i].bytes.data(), m_blocks[i].used);
        std::lock_guard<std::mutex> lock(m_mutex);
        m_free_list.push_back(i);
        m_free.notify_one();
    }
}

void write_behind::finish() {
    if (m_finished)
        return;
    m_finished = true;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_blocks[m_current].used > 0)
            m_full.push_back(m_current);
        m_done = true;
        m_work.notify_one();
    }
    m_thread.join();
}

} // namespace evr::output
