#include "evr/app/scenario.h"

#include <cmath>
#include <sys/stat.h>

#include "evr/common/error.h"
#include "evr/host/vm_farm.h"
#include "evr/lookup/learner.h"
#include "evr/trace/pcap_reader.h"
#include "evr/workload/builtin_workload.h"
#include "run_monitor.h"

namespace evr::app {

namespace {

class trace_source : public ingress::frame_source {
public:
    explicit trace_source(const std::string& path) : m_reader(path) {}
    bool next(ingress::source_frame& f) override {
        trace::record r;
        try {
            if (!m_reader.next(r))
                return false;
        } catch (const input_error& e) {
            // Read inside the adapter's process: what reaches evrsim is an sc_report.
            record_failure({"bad_input", 0, "", "", "", e.what()});
            throw;
        }
        f.ts_ns = r.ts_ns;
        f.cap_len = r.cap_len;
        f.orig_len = r.orig_len;
        f.data = r.data;
        return true;
    }

private:
    trace::pcap_reader m_reader;
};

class workload_source : public ingress::frame_source {
public:
    explicit workload_source(std::shared_ptr<workload::builtin_workload> w) : m_w(std::move(w)) {}
    bool next(ingress::source_frame& f) override {
        workload::frame w;
        if (!m_w->next(w))
            return false;
        f.ts_ns = w.ts_ns;
        f.cap_len = w.cap_len;
        f.orig_len = w.orig_len;
        f.data = w.data;
        return true;
    }

private:
    std::shared_ptr<workload::builtin_workload> m_w;
};

// The built-in workload's stall episodes, drawn as the run goes, in cycles.
class workload_stalls : public host::stall_source {
public:
    workload_stalls(workload::stall_generator g, double period_ns)
        : m_gen(std::move(g)), m_period_ns(period_ns) {}
    bool next(host::stall_episode& e) override {
        workload::stall_episode s;
        if (!m_gen.next(s))
            return false;
        e = {};
        e.conn = s.vm;
        e.start = static_cast<core::cycle_t>(static_cast<double>(s.start_ns) / m_period_ns);
        e.duration = std::max<core::cycle_t>(
            1, static_cast<core::cycle_t>(static_cast<double>(s.duration_ns) / m_period_ns));
        return true;
    }

private:
    workload::stall_generator m_gen;
    double m_period_ns;
};

std::uint64_t mac_value(const config::mac_address& m) {
    std::uint64_t v = 0;
    for (std::uint8_t b : m)
        v = (v << 8) | b;
    return v;
}

// Stalling VMs are chosen by hashing (seed, connection): stable when connections are
// added or removed elsewhere in the list.
bool stalls_at_random(std::uint64_t seed, std::uint32_t k, double fraction) {
    std::uint64_t x = seed * 0x9e3779b97f4a7c15ULL + k + 1;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb3f95d1ce49bULL;
    x ^= x >> 33;
    return static_cast<double>(x >> 11) / 9007199254740992.0 < fraction;
}

host::vm_behaviour behaviour_of(const config::vm_config& vm, const core::clock_domain& clock,
                                std::uint64_t seed, std::uint32_t k) {
    host::vm_behaviour b;
    b.service_cycles = vm.service_cycles;
    b.random_stalls = vm.availability_trace.empty() && vm.stall_fraction > 0 &&
                      stalls_at_random(seed, k, vm.stall_fraction);
    b.mean_interval = static_cast<core::cycle_t>(vm.stall_interval_us * 1000.0 / clock.period_ns());
    b.mean_duration = static_cast<core::cycle_t>(vm.stall_duration_us * 1000.0 / clock.period_ns());
    return b;
}

} // namespace

prepared_scenario prepare_scenario(const config::config& cfg,
                                   const std::optional<std::string>& trace_path) {
    prepared_scenario p;
    router::scenario& sc = p.scenario;
    const core::clock_domain clock(cfg.clock.freq_mhz);

    if (trace_path) {
        p.input_name = *trace_path;
        struct stat st {};
        if (cfg.connections.empty() && ::stat(trace_path->c_str(), &st) == 0 &&
            !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
            throw input_error(file_problem(
                *trace_path, "is a pipe or device, read once; learning the connections (none "
                             "are configured) reads the trace twice: save it to a file first, "
                             "or configure connections"));
        p.source = std::make_unique<trace_source>(*trace_path); // opens and checks it now
        if (cfg.connections.empty()) {
            // Learn mode: a first streaming pass fixes the table before simulation.
            lookup::learner learner;
            trace::pcap_reader reader(*trace_path);
            trace::record r;
            std::uint64_t n = 0;
            while ((cfg.replay.max_packets == 0 || n < cfg.replay.max_packets) && reader.next(r)) {
                learner.observe(r.data, r.cap_len);
                if (++n % 4096 == 0 && stop_signal() != 0)
                    throw interrupted_error{stop_signal()};
            }
            sc.connections = learner.connections();
            p.learned = true;
        }
    } else {
        workload::workload_params wp;
        wp.vms = cfg.workload.vms;
        wp.vlans = cfg.workload.vlans;
        wp.multicast_groups = cfg.workload.multicast_groups;
        wp.stalling_vms = cfg.workload.stalling_vms;
        wp.frames = cfg.workload.frames;
        wp.load = cfg.workload.load;
        wp.broadcast_fraction = cfg.workload.broadcast_fraction;
        wp.multicast_fraction = cfg.workload.multicast_fraction;
        wp.arp_fraction = cfg.workload.arp_fraction;
        wp.unknown_fraction = cfg.workload.unknown_fraction;
        wp.frame_bytes =
            cfg.workload.frame_bytes ? std::to_string(*cfg.workload.frame_bytes) : "imix";
        wp.stall_us = cfg.workload.stall_us;
        wp.line_rate_gbps = cfg.mac.line_rate_gbps;
        wp.preamble_bytes = cfg.mac.preamble_bytes;
        wp.ifg_bytes = cfg.mac.ifg_bytes;
        wp.fcs_bytes = cfg.mac.fcs_bytes;
        wp.seed = cfg.seed;
        std::shared_ptr<workload::builtin_workload> w;
        try {
            w = std::make_shared<workload::builtin_workload>(wp);
        } catch (const std::invalid_argument& e) {
            throw input_error(e.what());
        }
        p.input_name = "built-in workload";
        for (const auto& vm : w->vms())
            sc.connections.push_back({vm.name, vm.mac, vm.vlan, {vm.ipv4}, {}});
        for (const auto& g : w->groups())
            sc.groups.push_back({g.mac, g.vlan, g.members});
        sc.stall_generator = [w, period_ns = clock.period_ns()] {
            return std::make_unique<workload_stalls>(w->stalls(), period_ns);
        };
        p.source = std::make_unique<workload_source>(w);
    }

    if (!p.learned && trace_path) {
        for (const auto& c : cfg.connections) {
            lookup::connection_def d;
            d.name = c.name;
            d.mac = mac_value(c.mac);
            d.vlan = c.vlan;
            d.ipv4 = c.ipv4;
            d.ipv6 = c.ipv6;
            sc.connections.push_back(std::move(d));
        }
        for (const auto& g : cfg.multicast_groups) {
            lookup::group_def gd;
            gd.mac = mac_value(g.mac);
            gd.vlan = g.vlan;
            for (const auto& m : g.members)
                for (std::uint32_t k = 0; k < cfg.connections.size(); ++k)
                    if (cfg.connections[k].name == m)
                        gd.members.push_back(k);
            sc.groups.push_back(std::move(gd));
        }
        if (cfg.lookup.unknown_unicast != "drop")
            for (std::uint32_t k = 0; k < cfg.connections.size(); ++k)
                if (cfg.connections[k].name == cfg.lookup.unknown_unicast)
                    sc.default_connection = k;
    }
    if (sc.connections.size() > cfg.fifo.max_connections)
        throw input_error("fifo.max_connections: " + std::to_string(sc.connections.size()) +
                          " connections exceed the limit of " +
                          std::to_string(cfg.fifo.max_connections));

    const bool per_conn = !p.learned && trace_path && !cfg.connections.empty();
    for (std::uint32_t k = 0; k < sc.connections.size(); ++k) {
        const config::vm_config& vm = per_conn ? cfg.connections[k].vm : cfg.vm;
        sc.vms.push_back(behaviour_of(vm, clock, cfg.seed, k));
        const bool builtin = !trace_path && cfg.workload.ring_entries != 0;
        sc.ring_entries.push_back(builtin ? cfg.workload.ring_entries : vm.ring_entries);
        sc.ring_buffer_bytes.push_back(vm.buffer_bytes);
        p.names.push_back(sc.connections[k].name);
    }
    if (!cfg.vm.availability_trace.empty()) {
        auto more = host::read_availability_trace(cfg.vm.availability_trace, p.names, clock);
        sc.stalls.insert(sc.stalls.end(), more.begin(), more.end());
    }
    sc.source = p.source.get();
    return p;
}

} // namespace evr::app
