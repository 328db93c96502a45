#include "evr/wave/vcd_recorder.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>

namespace evr::wave {

namespace {

// Our identifier codes never start with '~'; merged files' codes get a '~' prefix.
std::string code_of(std::uint32_t index) {
    std::string c(1, static_cast<char>('!' + index % 93));
    index /= 93;
    while (index) {
        c.push_back(static_cast<char>('!' + index % 94));
        index /= 94;
    }
    return c;
}

std::vector<std::string> split_scope(const std::string& scope) {
    std::vector<std::string> parts;
    std::string cur;
    for (char ch : scope) {
        if (ch == '.') {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur.push_back(ch);
        }
    }
    if (!cur.empty())
        parts.push_back(cur);
    return parts;
}

std::vector<std::string> tokens(const std::string& line) {
    std::istringstream is(line);
    std::vector<std::string> t;
    std::string w;
    while (is >> w)
        t.push_back(w);
    return t;
}

// Reads a VCD body as "#time" blocks.
class block_reader {
public:
    block_reader(std::istream& in, bool rename) : m_in(in), m_rename(rename) { next_line(); }
    bool done() const { return !m_have; }
    std::uint64_t time() const { return m_time; }
    // Appends the lines of the current block to `out` and moves to the next block.
    void take(std::string& out) {
        std::string line;
        while (std::getline(m_in, line)) {
            if (line.empty())
                continue;
            if (line[0] == '#') {
                m_time = std::stoull(line.substr(1));
                return;
            }
            if (line[0] == '$')
                continue; // $dumpvars / $end wrappers: the values stand on their own
            if (m_rename)
                rename(line);
            out += line;
            out += '\n';
        }
        m_have = false;
    }

private:
    void next_line() {
        std::string line;
        while (std::getline(m_in, line)) {
            if (!line.empty() && line[0] == '#') {
                m_time = std::stoull(line.substr(1));
                m_have = true;
                return;
            }
        }
    }
    static void rename(std::string& line) {
        const char c = line[0];
        if (c == 'b' || c == 'B' || c == 'r' || c == 'R') {
            const auto sp = line.find_last_of(' ');
            if (sp != std::string::npos)
                line.insert(sp + 1, 1, '~');
        } else {
            line.insert(1, 1, '~');
        }
    }

    std::istream& m_in;
    bool m_rename;
    bool m_have = false;
    std::uint64_t m_time = 0;
};

} // namespace

vcd_recorder::vcd_recorder(std::string path, window w)
    : m_path(std::move(path)), m_body_path(m_path + ".body.tmp"), m_window(w),
      m_body_buffer(new char[1 << 20]) {
    m_body.rdbuf()->pubsetbuf(m_body_buffer.get(), 1 << 20);
    m_body.open(m_body_path, std::ios::binary | std::ios::trunc);
    if (!m_body)
        throw std::runtime_error(m_path + ": cannot write the waveform");
}

// The temporary files go whatever happened: also after a close() that failed (a full
// disk, --vcd /dev/full), which used to leave FILE.body.tmp behind.
vcd_recorder::~vcd_recorder() {
    if (m_body.is_open())
        m_body.close();
    std::remove(m_body_path.c_str());
    for (const merged& m : m_merges)
        std::remove(m.path.c_str());
}

std::uint32_t vcd_recorder::add(const std::string& scope, const std::string& name, unsigned width,
                                std::uint64_t initial) {
    signal s;
    s.scope = scope;
    s.name = name;
    s.width = width;
    s.code = code_of(static_cast<std::uint32_t>(m_signals.size()));
    s.cur = initial;
    m_signals.push_back(std::move(s));
    return static_cast<std::uint32_t>(m_signals.size() - 1);
}

void vcd_recorder::apply(std::uint32_t id, std::uint64_t value) {
    signal& s = m_signals[id];
    if (s.width < 64 && value != undefined)
        value &= (std::uint64_t{1} << s.width) - 1;
    // Unchanged: nothing to flush. A clean signal already has its value written (or the
    // window has not started, and write_initial writes every signal).
    if (value == s.cur)
        return;
    s.cur = value;
    // Before the window nothing is written: write_initial() takes every current value
    // when the window starts, so there is nothing to track.
    if (!m_started)
        return;
    if (!s.dirty) {
        s.dirty = true;
        m_dirty.push_back(id);
    }
}

void vcd_recorder::set(std::uint32_t id, std::uint64_t value, std::uint64_t t) {
    if (m_closed)
        return;
    // Most changes come in bursts at one time with nothing scheduled due: skip advance().
    if (t != m_now || (!m_due.empty() && m_due.front().t <= t))
        advance(t);
    apply(id, value);
}

void vcd_recorder::schedule(std::uint32_t id, std::uint64_t value, std::uint64_t t) {
    if (m_closed)
        return;
    if (t <= m_now) {
        apply(id, value);
        return;
    }
    // Kept sorted on (t, seq): changes are nearly always scheduled in time order (pulse
    // ends, FIFO responses on a serialized port), so this is an append, cheaper than a heap.
    auto at = m_due.end();
    while (at != m_due.begin() && std::prev(at)->t > t)
        --at;
    m_due.insert(at, {t, m_seq++, id, value});
}

// Moves the current time to t: closes every timestep before it, scheduled ones included.
void vcd_recorder::advance(std::uint64_t t) {
    if (t < m_now)
        t = m_now; // callers never go back; be safe against equal-time races
    for (;;) {
        while (!m_due.empty() && m_due.front().t <= m_now) {
            const change c = m_due.front();
            m_due.pop_front();
            apply(c.id, c.value);
        }
        if (t == m_now)
            return;
        std::uint64_t next = t;
        if (!m_due.empty() && m_due.front().t < next)
            next = m_due.front().t;
        flush(m_now);
        // Crossing the window start: the values now are the values at `from`.
        if (!m_started && next > m_window.from_ps && m_window.from_ps <= m_window.to_ps)
            write_initial(m_window.from_ps);
        m_now = next;
    }
}

void vcd_recorder::flush(std::uint64_t t) {
    if (m_dirty.empty())
        return;
    if (!m_started && t == m_window.from_ps) {
        write_initial(t);
    } else if (m_started && t >= m_window.from_ps && t <= m_window.to_ps) {
        bool stamped = false;
        for (std::uint32_t id : m_dirty) {
            signal& s = m_signals[id];
            if (s.cur == s.written)
                continue;
            if (!stamped) {
                m_body << '#' << t << '\n';
                m_last_stamp = t;
                stamped = true;
            }
            write_value(s);
        }
    }
    for (std::uint32_t id : m_dirty)
        m_signals[id].dirty = false;
    m_dirty.clear();
}

void vcd_recorder::write_initial(std::uint64_t t) {
    m_body << '#' << t << '\n';
    for (signal& s : m_signals)
        write_value(s);
    m_started = true;
    m_last_stamp = t;
}

void vcd_recorder::write_value(signal& s) {
    s.written = s.cur;
    if (s.width == 1) {
        m_body << (s.cur == undefined ? 'x' : (s.cur ? '1' : '0')) << s.code << '\n';
        return;
    }
    if (s.cur == undefined) {
        m_body << "bx " << s.code << '\n';
        return;
    }
    char bits[65];
    int n = 0;
    std::uint64_t v = s.cur;
    do {
        bits[n++] = static_cast<char>('0' + (v & 1));
        v >>= 1;
    } while (v);
    m_body << 'b';
    while (n)
        m_body << bits[--n];
    m_body << ' ' << s.code << '\n';
}

void vcd_recorder::merge(const std::string& vcd_path, const std::string& scope) {
    m_merges.push_back({vcd_path, scope});
}

void vcd_recorder::close(std::uint64_t end_ps) {
    if (m_closed)
        return;
    advance(std::max(end_ps, m_now));
    // Pulse ends and responses still scheduled: due after the end, written if inside
    // the window (the viewer then shows a pulse as long as it was).
    while (!m_due.empty())
        advance(m_due.front().t);
    flush(m_now);
    if (!m_started && m_window.from_ps <= m_window.to_ps)
        write_initial(m_window.from_ps); // the window starts after the run: its state
    const std::uint64_t end = std::min(m_window.to_ps, std::max(end_ps, m_last_stamp));
    if (end > m_last_stamp)
        m_body << '#' << end << '\n';
    m_body.close();
    m_closed = true;
    if (!m_body)
        throw std::runtime_error(m_path + ": write error");
    assemble();
}

namespace {

struct scope_node {
    std::string name;
    std::vector<std::size_t> signals;
    std::vector<std::unique_ptr<scope_node>> children;
    scope_node* child(const std::string& n) {
        for (auto& c : children)
            if (c->name == n)
                return c.get();
        children.push_back(std::make_unique<scope_node>());
        children.back()->name = n;
        return children.back().get();
    }
};

} // namespace

void vcd_recorder::assemble() {
    std::ofstream out(m_path, std::ios::binary | std::ios::trunc);
    if (!out)
        throw std::runtime_error(m_path + ": cannot write the waveform");
    out << "$version evrsim (docs/waveforms.md) $end\n$timescale 1ps $end\n";

    scope_node root;
    for (std::size_t i = 0; i < m_signals.size(); ++i) {
        scope_node* n = &root;
        for (const std::string& part : split_scope(m_signals[i].scope))
            n = n->child(part);
        n->signals.push_back(i);
    }
    std::function<void(const scope_node&)> emit = [&](const scope_node& n) {
        for (std::size_t i : n.signals) {
            const signal& s = m_signals[i];
            out << "$var wire " << s.width << ' ' << s.code << ' ' << s.name;
            if (s.width > 1)
                out << " [" << s.width - 1 << ":0]";
            out << " $end\n";
        }
        for (const auto& c : n.children) {
            out << "$scope module " << c->name << " $end\n";
            emit(*c);
            out << "$upscope $end\n";
        }
    };
    emit(root);

    // Merged files: their scopes under their own top-level scope, codes renamed.
    std::vector<std::unique_ptr<std::ifstream>> inputs;
    m_merged_names.clear();
    for (const merged& m : m_merges) {
        auto in = std::make_unique<std::ifstream>(m.path, std::ios::binary);
        if (!*in)
            throw std::runtime_error(m.path + ": cannot read the merged waveform");
        out << "$scope module " << m.scope << " $end\n";
        std::vector<std::string> path{m.scope};
        std::string line;
        while (std::getline(*in, line)) {
            std::vector<std::string> t = tokens(line);
            if (t.empty())
                continue;
            if (t[0] == "$enddefinitions")
                break;
            if (t[0] == "$scope" && t.size() >= 3) {
                path.push_back(t[2]);
                out << "$scope module " << t[2] << " $end\n";
            } else if (t[0] == "$upscope") {
                if (path.size() > 1)
                    path.pop_back();
                out << "$upscope $end\n";
            } else if (t[0] == "$var" && t.size() >= 6) {
                t[3] = "~" + t[3];
                std::string full;
                for (const auto& p : path)
                    full += p + ".";
                full += t[4];
                if (t.size() >= 7 && t[5] != "$end")
                    full += t[5];
                m_merged_names.push_back(full);
                for (std::size_t i = 0; i < t.size(); ++i)
                    out << (i ? " " : "") << t[i];
                out << '\n';
            }
        }
        out << "$upscope $end\n";
        inputs.push_back(std::move(in));
    }
    out << "$enddefinitions $end\n";

    // k-way merge of the bodies by time; one "#t" per time.
    std::ifstream body(m_body_path, std::ios::binary);
    std::vector<std::unique_ptr<block_reader>> readers;
    readers.push_back(std::make_unique<block_reader>(body, false));
    for (auto& in : inputs)
        readers.push_back(std::make_unique<block_reader>(*in, true));
    std::string lines;
    for (;;) {
        std::uint64_t t = undefined;
        for (auto& r : readers)
            if (!r->done())
                t = std::min(t, r->time());
        if (t == undefined)
            break;
        lines.clear();
        for (auto& r : readers)
            while (!r->done() && r->time() == t)
                r->take(lines);
        out << '#' << t << '\n' << lines;
    }
    body.close();
    for (auto& in : inputs)
        in->close();
    out.close();
    if (!out)
        throw std::runtime_error(m_path + ": write error");
    std::remove(m_body_path.c_str());
    for (const merged& m : m_merges)
        std::remove(m.path.c_str());
}

} // namespace evr::wave
