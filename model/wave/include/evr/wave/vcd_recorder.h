// A VCD writer for an event-driven model (docs/waveforms.md). Signals change only when the
// model says so (set), or at a time it announced beforehand (schedule: pulse ends, a FIFO
// response); changes are collected per timestamp and only the last value of a timestamp
// is written, so delta cycles collapse. Only the window [from, to] is written: the values
// at `from` once, then the changes inside it. Another VCD (Verilator's dump of the RTL)
// can be merged in under its own scope; the file is assembled by close().
#pragma once

#include <cstdint>
#include <deque>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace evr::wave {

// The value written as 'x' (no frame, no connection, no command).
inline constexpr std::uint64_t undefined = std::numeric_limits<std::uint64_t>::max();

struct window {
    std::uint64_t from_ps = 0;
    std::uint64_t to_ps = std::numeric_limits<std::uint64_t>::max();
};

class vcd_recorder {
public:
    // `path`: the VCD to produce; the value changes stream into `path`.body.tmp until
    // close(). Throws std::runtime_error when it cannot be written.
    vcd_recorder(std::string path, window w);
    ~vcd_recorder(); // removes the temporary files when close() was never called
    vcd_recorder(const vcd_recorder&) = delete;
    vcd_recorder& operator=(const vcd_recorder&) = delete;

    // Declares a signal (before the first change): scope "router.parser", name "state".
    std::uint32_t add(const std::string& scope, const std::string& name, unsigned width,
                      std::uint64_t initial = undefined);
    // The signal holds `value` from t_ps on; t_ps never goes back.
    void set(std::uint32_t id, std::uint64_t value, std::uint64_t t_ps);
    // The signal takes `value` at t_ps (>= the current time); several changes at one time
    // apply in the order they were scheduled, and a set() at that time comes after them.
    void schedule(std::uint32_t id, std::uint64_t value, std::uint64_t t_ps);
    std::uint64_t value(std::uint32_t id) const { return m_signals[id].cur; }

    // A complete VCD (header, then "#time" blocks in order) to merge under top-level scope
    // `scope` at close(); its identifiers are renamed so they cannot clash with ours.
    void merge(const std::string& vcd_path, const std::string& scope);
    // Full names as a viewer shows them ("rtl.evr_fifo.clk_i", "rtl.evr_fifo.cmd_op_i[3:0]") of the
    // merged file's signals; valid after close().
    const std::vector<std::string>& merged_names() const { return m_merged_names; }

    // Writes what is due up to end_ps (pulse ends included, if inside the window) and
    // assembles the file. Later calls do nothing.
    void close(std::uint64_t end_ps);
    bool closed() const { return m_closed; }
    const std::string& path() const { return m_path; }
    const window& span() const { return m_window; }

private:
    struct signal {
        std::string scope;
        std::string name;
        unsigned width = 1;
        std::string code;
        std::uint64_t cur = undefined;
        std::uint64_t written = undefined;
        bool dirty = false;
    };
    struct change {
        std::uint64_t t;
        std::uint64_t seq;
        std::uint32_t id;
        std::uint64_t value;
    };

    void apply(std::uint32_t id, std::uint64_t value);
    void advance(std::uint64_t t);
    void flush(std::uint64_t t);
    void write_initial(std::uint64_t t);
    void write_value(signal& s);
    void assemble();

    std::string m_path;
    std::string m_body_path;
    window m_window;
    std::ofstream m_body;
    std::unique_ptr<char[]> m_body_buffer;
    std::vector<signal> m_signals;
    std::vector<std::uint32_t> m_dirty;
    std::deque<change> m_due; // scheduled changes, ascending (t, seq)
    std::uint64_t m_seq = 0;
    std::uint64_t m_now = 0;
    bool m_started = false; // values at the window start written
    std::uint64_t m_last_stamp = 0;
    bool m_closed = false;
    struct merged {
        std::string path;
        std::string scope;
    };
    std::vector<merged> m_merges;
    std::vector<std::string> m_merged_names;
};

} // namespace evr::wave
