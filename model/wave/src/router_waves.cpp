#include "evr/wave/router_waves.h"

#include <fstream>
#include <stdexcept>

#include <systemc>

#include "evr/common/error.h"
#include "evr/config/config.h"

namespace evr::wave {

namespace {

constexpr unsigned state_bits = 3;
constexpr unsigned count_bits = 32;
constexpr unsigned drop_bits = 4; // core::drop_reason + 1, 0 = no drop

std::uint64_t conn_value(std::uint32_t c) {
    return c == wave_none ? undefined : c;
}
std::uint64_t frame_value(std::uint64_t f) {
    return f == ~std::uint64_t{0} ? undefined : f;
}

const char* const special_names[] = {"broadcast", "multicast", "arp", "unknown"};
const char* const port_names[] = {"fifo", "sram_read", "allocator", "host_write"};

} // namespace

std::vector<std::uint32_t> select_connections(const std::vector<std::string>& wanted,
                                              const std::vector<std::string>& names,
                                              const std::string& key) {
    std::vector<std::uint32_t> out;
    if (wanted.size() == 1 && wanted.front() == "all") {
        for (std::uint32_t k = 0; k < names.size(); ++k)
            out.push_back(k);
        return out;
    }
    for (const std::string& w : wanted) {
        std::uint32_t k = 0;
        while (k < names.size() && names[k] != w)
            ++k;
        if (k == names.size()) {
            std::string known;
            for (std::size_t i = 0; i < names.size() && i < 4; ++i)
                known += (i ? ", " : "") + names[i];
            throw input_error(key + ": no connection named '" + w + "' (connections: " + known +
                              (names.size() > 4 ? ", ..." : "") + "; or [all])");
        }
        out.push_back(k);
    }
    return out;
}

router_waves::router_waves(router::router& top, const wave_options& opts)
    : m_top(top), m_opts(opts), m_vcd(opts.vcd_path, opts.span),
      m_period_ps(top.clock().period().value()) {
    m_adapter_frame = m_vcd.add("router.adapter", "frame", count_bits);
    m_adapter_drop = m_vcd.add("router.adapter", "drop", drop_bits, 0);
    m_adapter_drops = m_vcd.add("router.adapter", "drops", count_bits, 0);
    m_rx_bytes = m_vcd.add("router.rx_buffer", "bytes", count_bits, 0);
    m_rx_records = m_vcd.add("router.rx_buffer", "records", count_bits, 0);
    m_parser = declare_engine("parser", true);
    m_store = declare_engine("store", true);
    m_assist = declare_engine("assist", true);
    m_local = declare_engine("local", true);
    m_local_pick = m_vcd.add("router.local", "pick", count_bits);
    m_local_exclusive = m_vcd.add("router.local", "exclusive", count_bits);
    m_local_exclusive_count = m_vcd.add("router.local", "exclusive_count", count_bits, 0);
    m_send = declare_engine("send", false);
    m_credits = m_vcd.add("router.allocator", "credits_in_use", count_bits, 0);

    const fifo_status& fs = top.fifo_stats();
    const fifo_queues& q = top.queues();
    m_fifo_cmd = m_vcd.add("router.fifo", "cmd", 4);
    m_fifo_occupancy = m_vcd.add("router.fifo", "occupancy", count_bits, 0);
    m_fifo_indirect = m_vcd.add("router.fifo", "indirect_used", count_bits, 0);
    for (std::uint32_t c = 0; c < q.classes; ++c)
        m_fifo_free.push_back(m_vcd.add(
            "router.fifo",
            "free_" + std::to_string(c < opts.class_bytes.size() ? opts.class_bytes[c] : c),
            count_bits, fs.free_count(c)));
    for (std::uint32_t s = 0; s < fifo_special_count; ++s)
        m_fifo_special.push_back(
            m_vcd.add("router.fifo", std::string("queue_") + special_names[s], count_bits, 0));
    for (unsigned p = 0; p < wave_port_count; ++p) {
        const std::string scope = std::string("router.arbiter.") + port_names[p];
        arbiter_ids a;
        // The arbiters of the FIFO and SRAM ports are built at the end of elaboration,
        // after this: their requesters are the configuration's (same order as wave_port).
        a.width = static_cast<unsigned>(config::arbitrated_ports()[p].requesters.size());
        a.request = m_vcd.add(scope, "request", a.width, 0);
        a.grant = m_vcd.add(scope, "grant", a.width, 0);
        m_arbiters.push_back(a);
    }
    m_stalled_vms = m_vcd.add("router.vms", "stalled", count_bits, 0);
    m_inputs = m_vcd.add("router.frames", "input", count_bits, 0);
    m_delivered = m_vcd.add("router.frames", "delivered", count_bits, 0);
    m_dropped = m_vcd.add("router.frames", "dropped", count_bits, 0);

    m_conn_at.assign(opts.names.size(), wave_none);
    const allocator::allocator& al = top.alloc();
    for (std::uint32_t k : opts.connections) {
        if (k >= m_conn_at.size() || m_conn_at[k] != wave_none)
            continue;
        m_conn_at[k] = static_cast<std::uint32_t>(m_conn.size());
        const std::string scope = "router.conn." + opts.names[k];
        conn_ids c;
        c.posted = m_vcd.add(scope, "posted", count_bits, al.posted(k));
        c.stored = m_vcd.add(scope, "stored", count_bits, 0);
        c.queued = m_vcd.add(scope, "queued", count_bits, 0);
        c.exclusive = m_vcd.add(scope, "exclusive", 1, 0);
        c.masked = m_vcd.add(scope, "masked", 1, 0);
        c.stalled = m_vcd.add(scope, "stalled", 1, 0);
        c.delivered = m_vcd.add(scope, "delivered", 2, 0);
        c.drop = m_vcd.add(scope, "drop", drop_bits, 0);
        m_conn.push_back(c);
    }

    if (rtl_model* rtl = top.fifo_rtl()) {
        if (!rtl->traceable())
            throw input_error(std::string("--vcd/--fst: the RTL Verilation '") + rtl->variant() +
                              "' was built without tracing");
        m_rtl_path = opts.vcd_path + ".rtl.tmp";
        rtl->start_trace(m_rtl_path, m_period_ps, opts.span.from_ps, opts.span.to_ps);
        m_vcd.merge(m_rtl_path, "rtl");
    }
    top.attach_probe(this);
    top.add_listener(this);
}

router_waves::~router_waves() {
    if (!m_closed)
        m_top.attach_probe(nullptr);
}

router_waves::engine_ids router_waves::declare_engine(const std::string& name, bool drops) {
    const std::string scope = "router." + name;
    engine_ids e;
    e.state = m_vcd.add(scope, "state", state_bits, 0);
    e.frame = m_vcd.add(scope, "frame", count_bits);
    e.conn = m_vcd.add(scope, "conn", count_bits);
    if (drops) {
        e.drop = m_vcd.add(scope, "drop", drop_bits, 0);
        e.drops = m_vcd.add(scope, "drops", count_bits, 0);
        e.has_drop = true;
    }
    return e;
}

std::uint64_t router_waves::now_ps() const {
    // SystemC's default resolution is 1 ps, which the clock domain relies on as well.
    return sc_core::sc_time_stamp().value();
}

// Nothing after the window is written, so the first event past it detaches the probes
// and the rest of the run costs what a run without a waveform costs. The output is the
// same: close() still writes what was scheduled inside the window.
bool router_waves::past_window() {
    if (m_retired)
        return true;
    // The time of this event, for every set() it makes: its cycle's edge. Grants and what
    // they do happen half a period after the edge (docs/timing.md, "Arbitration"); the
    // waveform shows values per cycle, a change made in cycle c from the edge of c on,
    // as a cycle-based RTL dump would.
    m_event_ps = now_ps() / m_period_ps * m_period_ps;
    if (m_event_ps <= m_opts.span.to_ps)
        return false;
    m_retired = true;
    m_top.attach_probe(nullptr);
    return true;
}

void router_waves::pulse(std::uint32_t id, std::uint64_t v) {
    const std::uint64_t t = m_event_ps;
    if (t + m_period_ps < m_opts.span.from_ps) {
        m_vcd.set(id, 0, t); // over before the window starts: only its end can show
        return;
    }
    m_vcd.set(id, v, t);
    m_vcd.schedule(id, 0, t + m_period_ps); // one cycle long
}

const router_waves::conn_ids* router_waves::traced(std::uint32_t conn) const {
    if (conn >= m_conn_at.size() || m_conn_at[conn] == wave_none)
        return nullptr;
    return &m_conn[m_conn_at[conn]];
}

void router_waves::engine_changed(wave_unit unit) {
    const core::engine_base* e = nullptr;
    const engine_ids* ids = nullptr;
    switch (unit) {
    case wave_unit::parser:
        e = &m_top.head();
        ids = &m_parser;
        break;
    case wave_unit::store:
        e = &m_top.storer();
        ids = &m_store;
        break;
    case wave_unit::assist:
        e = &m_top.assister();
        ids = &m_assist;
        break;
    case wave_unit::local:
        e = &m_top.local();
        ids = &m_local;
        break;
    case wave_unit::send:
        e = &m_top.sender();
        ids = &m_send;
        break;
    default:
        return;
    }
    set(ids->state, e->wave_state());
    set(ids->frame, frame_value(e->wave_frame()));
    set(ids->conn, conn_value(e->wave_conn()));
    if (unit == wave_unit::local) {
        const local::local_engine& lo = m_top.local();
        set(m_local_pick, conn_value(lo.wave_pick()));
        set(m_local_exclusive, conn_value(lo.wave_exclusive()));
        set(m_local_exclusive_count, lo.exclusive_count());
    }
}

void router_waves::conn_changed(std::uint32_t conn) {
    const conn_ids* c = traced(conn);
    if (!c)
        return;
    const allocator::allocator& al = m_top.alloc();
    set(c->posted, al.posted(conn));
    set(c->stored, al.stored(conn));
    set(c->exclusive, al.exclusive(conn) ? 1 : 0);
    set(c->masked, m_top.local().masked(conn) ? 1 : 0);
    set(c->stalled, m_top.vms().stalled(conn) ? 1 : 0);
}

void router_waves::changed(wave_unit unit, std::uint32_t which) {
    if (past_window())
        return;
    switch (unit) {
    case wave_unit::rx_buffer:
        set(m_rx_bytes, m_top.rx().bytes());
        set(m_rx_records, m_top.rx().records());
        return;
    case wave_unit::allocator:
        set(m_credits, m_top.alloc().credits_in_use());
        conn_changed(which);
        return;
    case wave_unit::vms:
        set(m_stalled_vms, m_top.vms().stalled_now());
        conn_changed(which);
        return;
    case wave_unit::fifo:
        return;
    case wave_unit::local:
        engine_changed(unit);
        conn_changed(which);
        return;
    default:
        engine_changed(unit);
    }
}

void router_waves::fifo_command(std::uint8_t op, std::uint64_t issue, std::uint64_t response,
                                std::uint32_t queue) {
    if (past_window())
        return;
    // The command is on the port from its issue to its response; the lists as they are
    // after it show from the response on. A command answered before the window starts
    // only decides values at the start, and commands are serialized on the port (the next
    // issues after this response), so its values are applied at once instead of being
    // scheduled: the values at the window start are the same, at a fraction of the cost.
    const std::uint64_t at = response * m_period_ps;
    const bool early = at < m_opts.span.from_ps;
    auto put = [&](std::uint32_t id, std::uint64_t v, std::uint64_t t) {
        if (early)
            m_vcd.set(id, v, m_event_ps);
        else
            m_vcd.schedule(id, v, t);
    };
    put(m_fifo_cmd, op, issue * m_period_ps);
    put(m_fifo_cmd, undefined, at);
    const fifo_status& fs = m_top.fifo_stats();
    const fifo_queues& q = m_top.queues();
    std::uint64_t free_normal = 0;
    for (std::uint32_t c = 0; c < q.classes; ++c) {
        const std::uint32_t n = fs.free_count(c);
        free_normal += n;
        put(m_fifo_free[c], n, at);
    }
    put(m_fifo_occupancy, fs.live_normal() - free_normal, at);
    put(m_fifo_indirect, fs.params().indirect - fs.indirect_free_count(), at);
    if (q.is_special(queue))
        put(m_fifo_special[queue - q.special(fifo_special::broadcast)], fs.queue_count(queue), at);
    else if (q.is_numbered(queue))
        if (const conn_ids* c = traced(q.connection_of(queue)))
            put(c->queued, fs.queue_count(queue), at);
}

void router_waves::dropped(wave_unit unit, std::uint8_t reason, std::uint32_t) {
    if (past_window())
        return;
    const engine_ids* ids = nullptr;
    switch (unit) {
    case wave_unit::parser:
        ids = &m_parser;
        break;
    case wave_unit::store:
        ids = &m_store;
        break;
    case wave_unit::assist:
        ids = &m_assist;
        break;
    case wave_unit::local:
        ids = &m_local;
        break;
    default:
        return;
    }
    pulse(ids->drop, reason + 1u);
    bump(ids->drops);
}

const core::arbiter& router_waves::arbiter_of(wave_port port) const {
    switch (port) {
    case wave_port::fifo:
        return m_top.fifo_port().arbiter();
    case wave_port::sram_read:
        return m_top.data_store().read_arbiter();
    case wave_port::allocator:
        return m_top.alloc().arbiter();
    case wave_port::host_write:
        break;
    }
    return m_top.sender().arbiter();
}

// Requests are posted on edges and granted half a period later (docs/timing.md,
// "Arbitration"); both show from the edge of their cycle (past_window).
void router_waves::arbitration(wave_port port, int granted) {
    if (past_window())
        return;
    arbiter_ids& a = m_arbiters[static_cast<unsigned>(port)];
    const core::arbiter& arb = arbiter_of(port);
    std::uint64_t pending = 0;
    for (std::uint32_t r = 0; r < a.width; ++r)
        if (arb.pending(r))
            pending |= std::uint64_t{1} << r;
    set(a.request, pending);
    if (granted < 0)
        return;
    if (a.grant_ps != m_event_ps) {
        a.grant_ps = m_event_ps;
        a.grant_mask = 0;
    }
    a.grant_mask |= std::uint64_t{1} << granted;
    pulse(a.grant, a.grant_mask);
}

void router_waves::on_input(const core::frame_slot& f) {
    if (past_window())
        return;
    set(m_adapter_frame, f.index);
    bump(m_inputs);
}

void router_waves::on_delivered(const core::copy_view& copy, core::path_kind path) {
    if (past_window())
        return;
    bump(m_delivered);
    if (copy.conn)
        if (const conn_ids* c = traced(*copy.conn))
            pulse(c->delivered, static_cast<std::uint64_t>(path) + 1);
}

void router_waves::on_dropped(const core::copy_view& copy, core::drop_reason reason) {
    if (past_window())
        return;
    bump(m_dropped);
    const std::uint64_t code = static_cast<std::uint64_t>(reason) + 1;
    // The adapter has no probe point of its own: its reasons are its alone.
    if (reason == core::drop_reason::runt || reason == core::drop_reason::oversize ||
        reason == core::drop_reason::rx_overflow) {
        pulse(m_adapter_drop, code);
        bump(m_adapter_drops);
    }
    if (copy.conn)
        if (const conn_ids* c = traced(*copy.conn))
            pulse(c->drop, code);
}

void router_waves::close() {
    if (m_closed)
        return;
    m_closed = true;
    m_top.attach_probe(nullptr);
    std::uint64_t end = now_ps();
    // A failed command (lockstep divergence) has clocked the RTL up to its response.
    const std::uint64_t port = m_top.fifo_port().port_free_cycle() * m_period_ps;
    if (port > end)
        end = port;
    if (rtl_model* rtl = m_top.fifo_rtl())
        rtl->stop_trace(end);
    m_vcd.close(end);
}

void router_waves::write_gtkw(const std::string& gtkw_path, const std::string& dump_path) const {
    std::ofstream g(gtkw_path);
    if (!g)
        throw input_error(gtkw_path + ": cannot write the GTKWave save file");
    const window& w = m_opts.span;
    const std::uint64_t from = w.from_ps;
    const std::uint64_t to = w.to_ps == undefined ? from + 100000 * m_period_ps : w.to_ps;
    // GTKWave shows 2^-zoom / 200 time units per pixel (measured on 3.3.118): fit the
    // window into the ~1200 pixels of the wave pane.
    int zoom = 0;
    for (double units = static_cast<double>(to - from) / 1200.0 * 200.0; units > 1.0; units /= 2)
        --zoom;
    g << "[*] evrsim waveform view (docs/waveforms.md)\n"
      << "[dumpfile] \"" << dump_path << "\"\n"
      << "[savefile] \"" << gtkw_path << "\"\n"
      << "[timestart] " << from << "\n"
      << "[size] 1600 1000\n[pos] -1 -1\n"
      << "*" << zoom << ".000000 " << from << " -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1\n"
      << "[treeopen] router.\n[sst_width] 240\n[signals_width] 300\n"
      << "[sst_expanded] 1\n[sst_vpaned_height] 300\n";
    auto name = [](const std::string& scope, const std::string& leaf, unsigned width) {
        std::string n = scope + "." + leaf;
        if (width > 1)
            n += "[" + std::to_string(width - 1) + ":0]";
        return n;
    };
    auto group = [&g](const std::string& title, const std::vector<std::string>& lines) {
        g << "@800200\n-" << title << "\n";
        for (const std::string& l : lines)
            g << l << "\n";
        g << "@1000200\n-" << title << "\n";
    };
    // @24: decimal, @28: binary (one bit).
    auto dec = [&](const std::string& scope, const std::string& leaf, unsigned width) {
        return std::string(width == 1 ? "@28\n" : "@24\n") + name(scope, leaf, width);
    };
    auto engine = [&](const std::string& e, bool drops, std::vector<std::string> extra) {
        const std::string s = "router." + e;
        std::vector<std::string> l{dec(s, "state", state_bits), dec(s, "frame", count_bits),
                                   dec(s, "conn", count_bits)};
        l.insert(l.end(), extra.begin(), extra.end());
        if (drops) {
            l.push_back(dec(s, "drop", drop_bits));
            l.push_back(dec(s, "drops", count_bits));
        }
        group(e, l);
    };
    // The connections asked for first: they are why the waveform was made.
    for (std::uint32_t k = 0; k < m_conn_at.size(); ++k) {
        if (m_conn_at[k] == wave_none)
            continue;
        const std::string s = "router.conn." + m_opts.names[k];
        group("conn " + m_opts.names[k],
              {dec(s, "posted", count_bits), dec(s, "stored", count_bits),
               dec(s, "queued", count_bits), dec(s, "exclusive", 1), dec(s, "masked", 1),
               dec(s, "stalled", 1), dec(s, "delivered", 2), dec(s, "drop", drop_bits)});
    }
    group("adapter",
          {dec("router.adapter", "frame", count_bits), dec("router.adapter", "drop", drop_bits),
           dec("router.adapter", "drops", count_bits), dec("router.rx_buffer", "bytes", count_bits),
           dec("router.rx_buffer", "records", count_bits)});
    engine("parser", true, {});
    engine("store", true, {});
    engine("assist", true, {});
    engine("local", true,
           {dec("router.local", "pick", count_bits), dec("router.local", "exclusive", count_bits),
            dec("router.local", "exclusive_count", count_bits)});
    engine("send", false, {dec("router.allocator", "credits_in_use", count_bits)});
    std::vector<std::string> fifo{dec("router.fifo", "cmd", 4),
                                  dec("router.fifo", "occupancy", count_bits),
                                  dec("router.fifo", "indirect_used", count_bits)};
    const fifo_queues& q = m_top.queues();
    for (std::uint32_t c = 0; c < q.classes; ++c)
        fifo.push_back(
            dec("router.fifo",
                "free_" + std::to_string(c < m_opts.class_bytes.size() ? m_opts.class_bytes[c] : c),
                count_bits));
    for (const char* s : special_names)
        fifo.push_back(dec("router.fifo", std::string("queue_") + s, count_bits));
    group("elastic_fifo", fifo);
    std::vector<std::string> arbiters;
    for (unsigned p = 0; p < wave_port_count; ++p) {
        const std::string scope = std::string("router.arbiter.") + port_names[p];
        // @22: hexadecimal; bit i is requester i of arbiters.<port>.requesters in stats.json.
        for (const char* leaf : {"request", "grant"})
            arbiters.push_back((m_arbiters[p].width == 1 ? "@28\n" : "@22\n") +
                               name(scope, leaf, m_arbiters[p].width));
    }
    group("arbiters", arbiters);
    group("frames",
          {dec("router.frames", "input", count_bits), dec("router.frames", "delivered", count_bits),
           dec("router.frames", "dropped", count_bits), dec("router.vms", "stalled", count_bits)});
    if (!m_rtl_path.empty()) {
        // The RTL's command port and FSM, as Verilator named them.
        static const char* const wanted[] = {"clk_i",       "cmd_valid_i",  "cmd_op_i",
                                             "cmd_queue_i", "cmd_buffer_i", "cmd_ready_o",
                                             "rsp_valid_o", "rsp_result_o", "rsp_buffer_o",
                                             "fsm_q",       "op_q"};
        std::vector<std::string> l;
        for (const char* leaf : wanted) {
            const std::string want = std::string("rtl.evr_fifo.evr_fifo.") + leaf;
            for (const std::string& n : m_vcd.merged_names())
                if (n == want || n.rfind(want + "[", 0) == 0) {
                    l.push_back((n.find('[') == std::string::npos ? "@28\n" : "@24\n") + n);
                    break;
                }
        }
        group("rtl evr_fifo", l);
    }
}

} // namespace evr::wave
