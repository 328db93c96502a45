// Self-checks of the elastic FIFO reference: recomputes everything the commands keep
// incrementally (list membership, counts, use counts, PICK eligibility) from scratch.
#include <sstream>

#include "evr/fifo/elastic_fifo_ref.h"

namespace evr {

namespace {

// Collects the first violation; later ones are usually consequences of it.
class violation {
public:
    template <typename... T>
    void add(const T&... parts) {
        if (!m_text.empty())
            return;
        std::ostringstream os;
        (os << ... << parts);
        m_text = os.str();
    }
    bool any() const { return !m_text.empty(); }
    const std::string& text() const { return m_text; }

private:
    std::string m_text;
};

} // namespace

std::string elastic_fifo_ref::check_invariants() const {
    violation v;
    const uint32_t total = buffer_count();
    const uint32_t d = m_params.descriptors;
    constexpr uint32_t not_listed = nil;
    std::vector<uint32_t> on_list(total, not_listed); // queue index, or count() for spare

    // Walks one list: bounded by the descriptor count so a cycle cannot hang the check.
    auto walk = [&](const list& l, uint32_t id, const char* name) {
        uint32_t length = 0;
        uint32_t last = nil;
        for (uint32_t b = l.head; b != nil; b = m_next[b]) {
            if (b >= total) {
                v.add(name, " ", id, ": next pointer ", b, " out of range");
                return;
            }
            if (on_list[b] != not_listed) {
                v.add("buffer ", b, " is on list ", on_list[b], " and on ", name, " ", id);
                return;
            }
            on_list[b] = id;
            last = b;
            if (++length > total) {
                v.add(name, " ", id, ": longer than the descriptor count (cycle)");
                return;
            }
        }
        if (length != l.count)
            v.add(name, " ", id, ": count ", l.count, " but ", length, " buffers linked");
        if (last != l.tail)
            v.add(name, " ", id, ": tail ", l.tail, " but last buffer ", last);
        if (l.high_water < l.count)
            v.add(name, " ", id, ": high-water ", l.high_water, " below count ", l.count);
    };

    for (uint32_t q = 0; q < m_queues.count(); ++q)
        walk(m_lists[q], q, "queue");
    walk(m_spare, m_queues.count(), "spare list");
    if (v.any())
        return v.text();
    uint64_t numbered = 0;
    uint64_t special = 0;
    for (uint32_t q = 0; q < m_queues.count(); ++q) {
        numbered += m_queues.is_numbered(q) ? m_lists[q].count : 0;
        special += m_queues.is_special(q) ? m_lists[q].count : 0;
    }
    if (numbered != m_queued_numbered || special != m_queued_special)
        v.add("queued totals ", m_queued_numbered, "/", m_queued_special,
              " (numbered/special) but ", numbered, "/", special, " buffers on those queues");

    // Membership matches the state, and list kinds match the buffer kinds.
    std::vector<uint32_t> refs(d, 0); // indirect buffers alive and pointing at each normal
    uint32_t held = 0;
    for (uint32_t b = 0; b < total; ++b) {
        const buf_state s = state(b);
        const uint32_t q = on_list[b];
        const bool normal = is_normal(b);
        switch (s) {
        case buf_state::spare:
            if (!normal || q != m_queues.count())
                v.add("buffer ", b, " is spare but not on the spare list (list ", q, ")");
            break;
        case buf_state::free:
            if (normal && q != m_queues.free_pool(m_class[b]))
                v.add("normal buffer ", b, " of class ", m_class[b], " is free but on list ", q);
            if (!normal && q != m_queues.indirect_pool())
                v.add("indirect buffer ", b, " is free but on list ", q);
            break;
        case buf_state::held:
        case buf_state::linked:
            ++held;
            if (q != not_listed)
                v.add("buffer ", b, " is ", to_string(s), " but on list ", q);
            if (s == buf_state::linked && !normal)
                v.add("indirect buffer ", b, " is linked");
            break;
        case buf_state::queued:
            if (q == not_listed || m_queues.is_free_pool(q) || q == m_queues.count())
                v.add("buffer ", b, " is queued but on list ", q);
            break;
        default:
            v.add("buffer ", b, " has state ", static_cast<unsigned>(m_state[b]));
        }
        if (!normal && (s == buf_state::held || s == buf_state::queued)) {
            const uint32_t n = m_target[b - d];
            if (n >= d)
                v.add("indirect buffer ", b, " points at ", n, ", not a normal buffer");
            else
                ++refs[n];
        }
    }
    // `held` above counted linked buffers too; m_held counts only held ones.
    uint32_t linked = 0;
    for (uint32_t n = 0; n < d; ++n)
        linked += state(n) == buf_state::linked;
    if (held - linked != m_held)
        v.add("held counter ", m_held, " but ", held - linked, " buffers held");

    // Use counts: 1 for the buffer's own place (held or queued) plus its indirect copies.
    for (uint32_t n = 0; n < d && !v.any(); ++n) {
        const buf_state s = state(n);
        const uint32_t own = (s == buf_state::held || s == buf_state::queued) ? 1 : 0;
        if (m_use[n] != own + refs[n])
            v.add("normal buffer ", n, " (", to_string(s), ") has use ", m_use[n], " but ", own,
                  " own + ", refs[n], " indirect references");
        else if (s == buf_state::linked && refs[n] == 0)
            v.add("normal buffer ", n, " is linked with no indirect buffer pointing at it");
        else if ((s == buf_state::free || s == buf_state::spare) && refs[n] != 0)
            v.add("normal buffer ", n, " is ", to_string(s), " but ", refs[n],
                  " indirect buffers point at it");
    }

    for (uint32_t k = 0; k < m_params.connections && !v.any(); ++k) {
        const bool expect = m_lists[m_queues.numbered(k)].count != 0 && !test(m_masked, k);
        if (test(m_eligible, k) != expect)
            v.add("PICK eligibility of connection ", k, " is ", test(m_eligible, k), ", expected ",
                  expect);
    }
    if (m_rr >= m_params.connections)
        v.add("round-robin pointer ", m_rr, " out of range");
    return v.text();
}

std::string elastic_fifo_ref::check_drained() const {
    std::string problem = check_invariants();
    if (!problem.empty())
        return problem;
    uint32_t pooled = 0;
    for (uint32_t c = 0; c < m_params.classes; ++c)
        pooled += free_count(c);
    std::ostringstream os;
    if (pooled != live_normal())
        os << live_normal() << " normal buffers bound but " << pooled << " on the free pools";
    else if (indirect_free_count() != m_params.indirect)
        os << m_params.indirect - indirect_free_count() << " of " << m_params.indirect
           << " indirect buffers not on the indirect pool";
    if (!os.str().empty()) {
        // Name one culprit so a leak can be traced back to its frame.
        for (uint32_t b = 0; b < buffer_count(); ++b) {
            const buf_state s = state(b);
            if (s != buf_state::free && s != buf_state::spare) {
                os << " (e.g. buffer " << b << " is " << to_string(s);
                if (is_normal(b))
                    os << ", tag " << m_tag[b] << ", use " << m_use[b];
                os << ")";
                break;
            }
        }
    }
    return os.str();
}

} // namespace evr
