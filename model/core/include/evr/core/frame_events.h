// What the engines report about frames, for the outputs and the independent checker.
// Engines report facts (a frame arrived, a copy reached a VM, a copy was dropped); the
// listeners draw their own conclusions from them.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "evr/core/drop_reason.h"
#include "evr/core/frame.h"

namespace evr::core {

// A frame or one copy of it. data/cap_len are the bytes as they leave the router.
struct copy_view {
    std::uint64_t index = 0;
    std::optional<std::uint32_t> conn; // none: the whole frame (before any fan-out)
    const std::uint8_t* data = nullptr;
    std::uint32_t cap_len = 0;
    std::uint32_t orig_len = 0;
    cycle_t cycle = 0; // delivery or drop cycle
};

class frame_listener {
public:
    virtual ~frame_listener() = default;
    // Every input frame, in input order, when its last byte has arrived (before any drop).
    virtual void on_input(const frame_slot& frame) = 0;
    // The frame becomes `copies` copies (fan-out); called at most once per frame and only
    // with copies >= 1. Until then a frame counts as one copy.
    virtual void on_fanout(std::uint64_t index, std::uint32_t copies) = 0;
    virtual void on_delivered(const copy_view& copy, path_kind path) = 0;
    virtual void on_dropped(const copy_view& copy, drop_reason reason) = 0;
};

// Fans the reports out to every registered listener.
class frame_events {
public:
    void add(frame_listener* l) { m_listeners.push_back(l); }
    void input(const frame_slot& f) {
        for (auto* l : m_listeners)
            l->on_input(f);
    }
    void fanout(std::uint64_t index, std::uint32_t copies) {
        for (auto* l : m_listeners)
            l->on_fanout(index, copies);
    }
    void delivered(const copy_view& c, path_kind p) {
        for (auto* l : m_listeners)
            l->on_delivered(c, p);
    }
    void dropped(const copy_view& c, drop_reason r) {
        for (auto* l : m_listeners)
            l->on_dropped(c, r);
    }

private:
    std::vector<frame_listener*> m_listeners;
};

} // namespace evr::core
