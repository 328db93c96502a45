// A table of frames in flight keyed by their input index, for the observers that follow
// every frame (the checker, the run recorder).
//
// Why not a hash map: indices are handed out in ascending order and nearly all frames
// resolve soon and nearly in order, so a ring addressed by `index - base` finds a frame
// with one subtraction and no hashing, and its slots are reused in place. A few frames
// stay long (parked in the data store behind a VM that stalls for the whole run); when
// the ring would span more than `max_span` indices, the oldest live entries move to a
// hash map, so memory stays bounded by the frames in flight, not by how far the oldest
// straggler lies behind the newest frame.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace evr {

template <typename T>
class frame_table {
public:
    explicit frame_table(std::size_t max_span = std::size_t{1} << 16) : m_max_span(max_span) {}

    // Adds `index`, which must not be in the table. Ascending indices take the fast path;
    // one below every index still in the ring goes to the overflow map.
    T& insert(std::uint64_t index, T value) {
        ++m_size;
        // m_base never moves back: every overflow entry stays below the ring.
        if (m_ring.empty() && index > m_base)
            m_base = index;
        if (index < m_base)
            return m_overflow.emplace(index, std::move(value)).first->second;
        const std::uint64_t end = m_base + m_ring.size();
        if (index >= end && index - m_base >= m_max_span) {
            // Far ahead: make room by moving the oldest entries out of the ring.
            while (!m_ring.empty() && index - m_base >= m_max_span)
                evict_front();
            if (m_ring.empty())
                m_base = index;
        }
        if (index >= m_base + m_ring.size())
            m_ring.extend(index - m_base + 1);
        auto& slot = m_ring[index - m_base];
        slot.emplace(std::move(value));
        return *slot;
    }

    T* find(std::uint64_t index) {
        if (index >= m_base && index - m_base < m_ring.size()) {
            auto& slot = m_ring[index - m_base];
            return slot ? &*slot : nullptr;
        }
        if (m_overflow.empty())
            return nullptr;
        auto it = m_overflow.find(index);
        return it != m_overflow.end() ? &it->second : nullptr;
    }
    const T* find(std::uint64_t index) const { return const_cast<frame_table*>(this)->find(index); }
    bool contains(std::uint64_t index) const { return find(index) != nullptr; }

    // Removes `index` if present and returns its value.
    std::optional<T> take(std::uint64_t index) {
        std::optional<T> out;
        if (index >= m_base && index - m_base < m_ring.size()) {
            auto& slot = m_ring[index - m_base];
            if (!slot)
                return out;
            out.emplace(std::move(*slot));
            slot.reset();
            while (!m_ring.empty() && !m_ring.front()) {
                m_ring.pop_front();
                ++m_base;
            }
        } else {
            auto it = m_overflow.find(index);
            if (it == m_overflow.end())
                return out;
            out.emplace(std::move(it->second));
            m_overflow.erase(it);
        }
        --m_size;
        return out;
    }
    bool erase(std::uint64_t index) { return take(index).has_value(); }

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }

    // Every index in the table, ascending.
    std::vector<std::uint64_t> indices() const {
        std::vector<std::uint64_t> v;
        v.reserve(m_size);
        for (const auto& [index, value] : m_overflow)
            v.push_back(index);
        std::sort(v.begin(), v.end());
        for (std::size_t i = 0; i < m_ring.size(); ++i)
            if (m_ring[i])
                v.push_back(m_base + i);
        return v;
    }

private:
    // A circular buffer of slots that grows by doubling and never shrinks: frames enter at
    // the back and leave near the front at the rate of the input, and a std::deque would
    // allocate and free a block every few frames.
    class ring {
    public:
        bool empty() const { return m_len == 0; }
        std::size_t size() const { return m_len; }
        std::optional<T>& operator[](std::size_t i) { return m_slots[(m_head + i) & m_mask]; }
        const std::optional<T>& operator[](std::size_t i) const {
            return m_slots[(m_head + i) & m_mask];
        }
        std::optional<T>& front() { return m_slots[m_head]; }
        // Slots past the old end are empty: pop_front leaves every slot it passes empty.
        void extend(std::size_t len) {
            if (len > m_slots.size())
                grow(len);
            m_len = len;
        }
        void pop_front() {
            m_slots[m_head].reset();
            m_head = (m_head + 1) & m_mask;
            --m_len;
        }

    private:
        void grow(std::size_t len) {
            std::size_t cap = std::max<std::size_t>(m_slots.size() * 2, 64);
            while (cap < len)
                cap *= 2;
            std::vector<std::optional<T>> slots(cap);
            for (std::size_t i = 0; i < m_len; ++i)
                slots[i] = std::move((*this)[i]);
            m_slots = std::move(slots);
            m_head = 0;
            m_mask = cap - 1;
        }

        std::vector<std::optional<T>> m_slots; // a power of two long
        std::size_t m_head = 0;
        std::size_t m_len = 0;
        std::size_t m_mask = 0;
    };

    void evict_front() {
        if (m_ring.front())
            m_overflow.emplace(m_base, std::move(*m_ring.front()));
        m_ring.pop_front();
        ++m_base;
    }

    std::size_t m_max_span;
    ring m_ring; // slot i holds index m_base + i
    std::uint64_t m_base = 0;
    std::unordered_map<std::uint64_t, T> m_overflow; // indices below m_base
    std::size_t m_size = 0;
};

} // namespace evr
