#include "evr/core/frame.h"

namespace evr::core {

const char* to_string(path_kind p) {
    switch (p) {
    case path_kind::direct:
        return "direct";
    case path_kind::stored:
        return "stored";
    case path_kind::assisted:
        return "assisted";
    }
    return "?";
}

frame_pool::~frame_pool() {
    for (frame_slot* s : m_all)
        delete s;
}

frame_slot* frame_pool::get() {
    if (!m_free.empty()) {
        frame_slot* s = m_free.back();
        m_free.pop_back();
        return s;
    }
    auto* s = new frame_slot;
    s->bytes.reserve(m_max_frame_bytes);
    m_all.push_back(s);
    return s;
}

} // namespace evr::core
