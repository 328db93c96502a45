#include "evr/app/stats_json.h"

#include <chrono>
#include <cstdlib>
#include <thread>
#include <tuple>

#include "evr/core/drop_reason.h"
#include "provenance.h"

namespace evr::app {

namespace {

nlohmann::json latency_json(const output::latency_histogram& h, const std::vector<double>& pcts,
                            double period_ns) {
    nlohmann::json j;
    j["count"] = h.count();
    nlohmann::json cycles = nlohmann::json::object();
    nlohmann::json ns = nlohmann::json::object();
    cycles["min"] = h.min();
    cycles["mean"] = h.mean();
    cycles["max"] = h.max();
    ns["min"] = static_cast<double>(h.min()) * period_ns;
    ns["mean"] = h.mean() * period_ns;
    ns["max"] = static_cast<double>(h.max()) * period_ns;
    for (double p : pcts) {
        char key[32];
        std::snprintf(key, sizeof key, "p%g", p);
        cycles[key] = h.percentile(p);
        ns[key] = static_cast<double>(h.percentile(p)) * period_ns;
    }
    j["cycles"] = cycles;
    j["ns"] = ns;
    return j;
}

} // namespace

nlohmann::json connection_json(const run_facts& f, std::size_t k) {
    const router::router& r = f.router;
    const output::connection_totals& t = f.recorder.connections()[k];
    const double period_ns = r.clock().period_ns();
    nlohmann::json c;
    c["name"] = f.recorder.names()[k];
    c["frames"] = t.frames;
    c["bytes"] = t.bytes;
    c["paths"] = {{"direct", t.by_path[0]}, {"stored", t.by_path[1]}, {"assisted", t.by_path[2]}};
    c["dropped"] = t.dropped;
    const auto conn = static_cast<std::uint32_t>(k);
    c["stall_episodes"] = r.vms().stall_episodes(conn);
    c["stalled_ns"] = static_cast<double>(r.vms().stalled_cycles(conn, f.sim_cycles)) * period_ns;
    c["latency"] = latency_json(t.latency, f.cfg.output.latency_percentiles, period_ns);
    return c;
}

nlohmann::json make_stats(const run_facts& f) {
    const router::router& r = f.router;
    const output::run_recorder& rec = f.recorder;
    const double period_ns = r.clock().period_ns();
    nlohmann::json j;
    j["schema"] = "evr-stats/1";
    j["complete"] = f.complete;
    if (!f.complete)
        j["incomplete_reason"] = f.incomplete_reason;
    if (!f.failure.is_null())
        j["failure"] = f.failure;
    j["evrsim"] = evrsim_version(); // the rest of how the run was made: provenance.json
    j["input"] = {{"source", f.input_name},
                  {"frames", rec.input_frames()},
                  {"bytes", rec.input_bytes()},
                  {"connections_learned", f.learned},
                  {"clamped_timestamps", r.adapter().stats().clamped_timestamps},
                  {"shortened_gaps", r.adapter().stats().shortened_gaps},
                  {"sliced_records", rec.sliced_inputs()}};
    j["config"] = {{"policy", config::to_string(f.cfg.router.policy)},
                   {"ordering", config::to_string(f.cfg.router.ordering)},
                   {"fifo", config::to_string(f.cfg.fifo.backend)},
                   {"clock_mhz", f.cfg.clock.freq_mhz},
                   {"seed", f.cfg.seed}};
    j["delivered"] = {
        {"frames", rec.delivered_frames()},
        {"copies", rec.delivered_copies()},
        {"paths",
         {{"direct", rec.paths()[0]}, {"stored", rec.paths()[1]}, {"assisted", rec.paths()[2]}}}};
    nlohmann::json drops = nlohmann::json::object();
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < core::drop_reason_count; ++i) {
        drops[std::string(core::drop_reason_names[i])] = rec.drops()[i];
        total += rec.drops()[i];
    }
    j["dropped"] = {{"total", total}, {"by_reason", drops}};
    j["latency"] = latency_json(rec.latency(), f.cfg.output.latency_percentiles, period_ns);

    // The per-connection entries are not part of the tree: stats_text() writes them one at
    // a time, so a table of a million connections never exists as JSON values (about 4 KB
    // each, against 0.7 KB of text).
    j["connections"] = connections_placeholder;

    // The patent's claim in one place: VMs that stalled against those that never did.
    output::latency_histogram stalled, others;
    std::uint64_t n_stalled = 0;
    for (std::size_t k = 0; k < rec.connections().size(); ++k) {
        const bool s = r.vms().stall_episodes(static_cast<std::uint32_t>(k)) != 0;
        (s ? stalled : others).merge(rec.connections()[k].latency);
        n_stalled += s;
    }
    nlohmann::json groups;
    groups["stalled_vms"] = latency_json(stalled, f.cfg.output.latency_percentiles, period_ns);
    groups["stalled_vms"]["connections"] = n_stalled;
    groups["other_vms"] = latency_json(others, f.cfg.output.latency_percentiles, period_ns);
    groups["other_vms"]["connections"] = rec.connections().size() - n_stalled;
    j["latency_by_stall"] = std::move(groups);

    const fifo_status& fifo = r.fifo_stats();
    const fifo_queues& q = r.queues();
    nlohmann::json pools = nlohmann::json::array();
    for (std::uint32_t c = 0; c < q.classes; ++c) {
        pools.push_back({{"buffer_bytes", f.cfg.fifo.buffer_classes[c]},
                         {"initial", r.pools().initial_buffers(c)},
                         {"free_at_end", fifo.free_count(c)},
                         {"free_high_water", fifo.high_water(q.free_pool(c))}});
    }
    std::uint64_t numbered_hw = 0;
    for (std::uint32_t k = 0; k < q.connections; ++k)
        numbered_hw = std::max<std::uint64_t>(numbered_hw, fifo.high_water(q.numbered(k)));
    j["elastic_fifo"] = {
        {"descriptors", r.descriptors()},
        {"pools", pools},
        {"indirect",
         {{"total", f.cfg.fifo.indirect_buffers}, {"free_at_end", fifo.indirect_free_count()}}},
        {"special_high_water",
         {{"broadcast", fifo.high_water(q.special(fifo_special::broadcast))},
          {"multicast", fifo.high_water(q.special(fifo_special::multicast))},
          {"arp", fifo.high_water(q.special(fifo_special::arp))},
          {"unknown", fifo.high_water(q.special(fifo_special::unknown))}}},
        {"numbered_high_water_max", numbered_hw},
        {"commands", r.fifo_port().commands()},
        {"port_wait_cycles", r.fifo_port().wait_cycles()},
        {"footprint_bytes_end", r.pools().footprint_bytes()},
        {"footprint_bytes_high_water", r.pools().high_water_footprint()},
        {"pool_grown", r.pools().grown()},
        {"pool_shrunk", r.pools().shrunk()}};
    nlohmann::json arbiters;
    for (const auto& [key, arb, how] :
         {std::tuple{"fifo", &r.fifo_port().arbiter(), &f.cfg.arbiter.fifo},
          std::tuple{"sram_read", &r.data_store().read_arbiter(), &f.cfg.arbiter.sram_read},
          std::tuple{"allocator", &r.alloc().arbiter(), &f.cfg.arbiter.allocator},
          std::tuple{"host_write", &r.sender().arbiter(), &f.cfg.arbiter.host_write}}) {
        nlohmann::json requesters;
        for (std::uint32_t i = 0; i < arb->requesters().size(); ++i) {
            const core::arbiter_stats& st = arb->stats(i);
            requesters[arb->requesters()[i]] = {
                {"grants", st.grants}, {"wait_cycles", st.wait_cycles}, {"max_wait", st.max_wait}};
        }
        arbiters[key] = {{"policy", core::to_string(arb->policy())},
                         {"order", how->order},
                         {"requesters", std::move(requesters)}};
    }
    j["arbiters"] = std::move(arbiters);
    j["receive_buffer"] = {{"size_bytes", r.rx().size_bytes()},
                           {"high_water_bytes", r.rx().high_water_bytes()}};
    j["engines"] = {
        {"parser_frames", r.head().frames()},     {"hol_waits", r.head().hol_waits()},
        {"store_frames", r.storer().stored()},    {"store_waits", r.storer().waits()},
        {"assist_frames", r.assister().frames()}, {"assist_copies", r.assister().copies()},
        {"local_frames", r.local().frames()},     {"local_refusals", r.local().grants_refused()},
        {"send_frames", r.sender().frames()},     {"stall_episodes", r.vms().stall_episodes()}};
    j["parked_at_end"] = f.parked;
    j["checker"] = f.checker;
    j["sim"] = {{"cycles", f.sim_cycles},
                {"time_ns", static_cast<double>(f.sim_cycles) * period_ns},
                {"wall_seconds", f.wall_seconds}};
    return j;
}

std::optional<std::string> stats_text(const nlohmann::json& stats, const run_facts& f,
                                      const std::function<bool()>& stop) {
    const std::string doc = stats.dump(2);
    // Found by its top-level key (two spaces in): a string value elsewhere that equals the
    // placeholder (an input file of that name) cannot look like this line.
    const std::string key = "\n  \"connections\": ";
    const std::string mark = key + "\"" + std::string(connections_placeholder) + "\"";
    std::size_t at = doc.find(mark);
    if (at == std::string::npos)
        return doc + "\n"; // no connection entries (a test's hand-made tree)
    at += key.size();
    const std::size_t value_size = mark.size() - key.size();
    std::string out = doc.substr(0, at);
    const std::size_t n = f.recorder.connections().size();
    if (n == 0) {
        out += "[]";
    } else {
        out += "[\n";
        // Entries differ only in their numbers: the first one's size, with room, sizes all.
        const std::size_t first = connection_json(f, 0).dump(2).size();
        out.reserve(doc.size() + n * (first + first / 4 + 64));
        // A table of a million connections takes seconds to write: a signal must not wait.
        static const bool slow = std::getenv("EVR_FAULT_SLOW_REPORT") != nullptr;
        for (std::size_t k = 0; k < n; ++k) {
            if (stop && (k % 1024 == 0 || slow) && stop())
                return std::nullopt;
            if (slow) // test hook: 1 ms an entry, so a test can signal mid-report
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            // Indented as dump(2) indents an array two levels down, so the text is what
            // dumping the whole tree gave.
            const std::string entry = connection_json(f, k).dump(2);
            out += "    ";
            for (char c : entry) {
                out += c;
                if (c == '\n')
                    out += "    ";
            }
            out += k + 1 < n ? ",\n" : "\n";
        }
        out += "  ]";
    }
    out.append(doc, at + value_size, std::string::npos);
    out += '\n';
    return out;
}

} // namespace evr::app
