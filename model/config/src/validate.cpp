// Rules that involve more than one value. Each error names the value the user wrote
// (a value left at its default has no line to point to).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "detail.h"
#include "scalars.h"
#include "suggest.h"

namespace evr::config::detail {
namespace {

class cross_checker {
public:
    cross_checker(const config& cfg, const origin_map& origins) : m_cfg(cfg), m_origins(origins) {}

    void run() {
        check_fifo();
        check_sram();
        check_arbiters();
        check_connections();
        check_groups();
        check_lookup();
        check_workload();
        check_timing();
    }

private:
    // The first of the paths that the user set, else the first.
    // The key to blame for a rule between a and b: a, unless only b (or an item of it)
    // was written by the user.
    std::string pick(const std::string& a, const std::string& b) const {
        if (const std::string in_a = m_origins.user_set_at_or_below(a); !in_a.empty())
            return in_a;
        const std::string in_b = m_origins.user_set_at_or_below(b);
        return in_b.empty() ? a : in_b;
    }
    [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
        detail::fail(m_origins, path, problem);
    }

    void check_fifo() const {
        const fifo_config& f = m_cfg.fifo;
        if (f.buffer_classes.empty())
            fail("fifo.buffer_classes", "needs at least one buffer class");
        for (std::size_t i = 1; i < f.buffer_classes.size(); ++i)
            if (f.buffer_classes[i] <= f.buffer_classes[i - 1])
                fail(index("fifo.buffer_classes", i), std::to_string(f.buffer_classes[i]) +
                                                          " does not exceed the class before it (" +
                                                          std::to_string(f.buffer_classes[i - 1]) +
                                                          "); classes must be strictly ascending");
        if (f.class_shares.size() != f.buffer_classes.size())
            fail(pick("fifo.class_shares", "fifo.buffer_classes"),
                 "fifo.class_shares has " + std::to_string(f.class_shares.size()) +
                     " items but fifo.buffer_classes has " +
                     std::to_string(f.buffer_classes.size()) + "; give one share per class");
        double sum = 0;
        for (double s : f.class_shares)
            sum += s;
        if (std::fabs(sum - 1.0) > 1e-9)
            fail("fifo.class_shares", "shares sum to " + format_real(sum) + ", must sum to 1");
        if (m_cfg.connections.size() > f.max_connections)
            fail(pick("connections", "fifo.max_connections"),
                 std::to_string(m_cfg.connections.size()) +
                     " connections exceed fifo.max_connections (" +
                     std::to_string(f.max_connections) + ")");
        const pool_config& p = f.pool;
        if (std::uint64_t{p.shrink_above} <= std::uint64_t{p.grow_below} + p.grow_step)
            fail(
                pick("fifo.pool.shrink_above", pick("fifo.pool.grow_below", "fifo.pool.grow_step")),
                "fifo.pool.shrink_above (" + std::to_string(p.shrink_above) +
                    ") must exceed fifo.pool.grow_below + fifo.pool.grow_step (" +
                    std::to_string(std::uint64_t{p.grow_below} + p.grow_step) +
                    "), or the pool manager would shrink right after growing");
    }

    // What the model's time arithmetic can hold (docs/config.md, "Limits"): SystemC time
    // is a 64-bit count of picoseconds, and a clock period or a frame's wire time beyond
    // these bounds wraps or rounds to nothing, so the run would hang or report zeros.
    static constexpr double max_period_ps = 1e9; // 1 ms a cycle: at least 1 kHz
    static constexpr double max_wire_ps = 1e12;  // 1 s for the largest frame on the wire

    void check_timing() const {
        const double period_ps = 1e6 / m_cfg.clock.freq_mhz;
        if (!(period_ps <= max_period_ps))
            fail("clock.freq_mhz", show_real(m_cfg.clock.freq_mhz) +
                                       " MHz gives a clock period of " + show_real(period_ps) +
                                       " ps; at most 1e9 ps (1 ms), so clock.freq_mhz >= 0.001");
        const mac_config& m = m_cfg.mac;
        const double bytes =
            static_cast<double>(m.max_frame_bytes) + m.preamble_bytes + m.ifg_bytes + m.fcs_bytes;
        const double wire_ps = bytes * 8000.0 / m.line_rate_gbps;
        if (!(wire_ps <= max_wire_ps))
            fail(pick("mac.line_rate_gbps", "mac.max_frame_bytes"),
                 show_real(m.line_rate_gbps) + " Gb/s puts the largest frame (" + show_real(bytes) +
                     " bytes with preamble, FCS and gap) " + show_real(wire_ps) +
                     " ps on the wire; at most 1e12 ps (1 s), so " +
                     "mac.line_rate_gbps >= " + show_real(bytes * 8000.0 / max_wire_ps));
    }

    static std::string show_real(double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4g", v);
        return buf;
    }

    void check_sram() const {
        const sram_config& s = m_cfg.sram;
        if (s.reserve_bytes > s.size_bytes)
            fail(pick("sram.reserve_bytes", "sram.size_bytes"),
                 "sram.reserve_bytes (" + std::to_string(s.reserve_bytes) +
                     ") exceeds sram.size_bytes (" + std::to_string(s.size_bytes) + ")");
    }

    // An order names each requester of its port once (core::arbiter would throw later,
    // without a key to point to).
    void check_arbiters() const {
        for (const arbitrated_port& port : arbitrated_ports()) {
            const arbiter_config* a = &(m_cfg.arbiter.*port.member);
            const std::string key = std::string("arbiter.") + port.name + ".order";
            const std::vector<std::string>* names = &port.requesters;
            const std::string all = join_values(*names);
            std::set<std::string> seen;
            for (std::size_t i = 0; i < a->order.size(); ++i) {
                const std::string& n = a->order[i];
                if (std::find(names->begin(), names->end(), n) == names->end())
                    fail(index(key, i), "'" + n + "' is not a requester of this port (" + all +
                                            ")" + did_you_mean(nearest(n, *names)));
                if (!seen.insert(n).second)
                    fail(index(key, i),
                         "'" + n + "' is named twice; name each of " + all + " once");
            }
            if (a->order.size() != names->size())
                fail(key, "names " + std::to_string(a->order.size()) + " of the port's " +
                              std::to_string(names->size()) + " requesters; name each of " + all +
                              " once");
        }
    }

    static constexpr std::size_t max_name_bytes = 250;

    static bool valid_name(const std::string& name) {
        if (name.empty() || name == "." || name == "..")
            return false;
        for (char c : name)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-')
                return false;
        return true;
    }

    static std::string key_text(const mac_address& mac, const std::optional<std::uint16_t>& vlan) {
        return "(" + format_mac(mac) + ", " +
               (vlan ? "vlan " + std::to_string(*vlan) : std::string("untagged")) + ")";
    }

    void check_connections() const {
        std::map<std::string, std::size_t> names;
        std::map<std::pair<mac_address, int>, std::size_t> keys;
        std::map<ipv4_address, std::size_t> v4;
        std::map<ipv6_address, std::size_t> v6;
        for (std::size_t i = 0; i < m_cfg.connections.size(); ++i) {
            const connection_config& con = m_cfg.connections[i];
            const std::string path = index("connections", i);
            if (!valid_name(con.name))
                fail(join(path, "name"), "\"" + con.name +
                                             "\" is not a valid name (use A-Z a-z 0-9 _ . -; "
                                             "it becomes the file name conn/<name>.pcap)");
            // NAME_MAX is 255 bytes on every Linux file system; ".pcap" takes 5.
            if (con.name.size() > max_name_bytes)
                fail(join(path, "name"), "is " + std::to_string(con.name.size()) +
                                             " characters; at most " +
                                             std::to_string(max_name_bytes) +
                                             " (it becomes the file name conn/<name>.pcap)");
            if (con.name == "drop")
                fail(join(path, "name"),
                     "\"drop\" is reserved (lookup.unknown_unicast: drop means no connection)");
            if (auto [it, fresh] = names.emplace(con.name, i); !fresh)
                fail(join(path, "name"), "duplicate connection name \"" + con.name +
                                             "\" also used by " + index("connections", it->second));
            // One trace serves every VM (its lines name the connection): a different
            // per-connection value could only be ignored, so it is refused.
            if (con.vm.availability_trace != m_cfg.vm.availability_trace)
                fail(join(path, "vm.availability_trace"),
                     "not a per-connection setting: vm.availability_trace names the connection "
                     "on each line");
            if (is_group_mac(con.mac))
                fail(join(path, "mac"), format_mac(con.mac) +
                                            " is a group address (I/G bit set); a connection "
                                            "needs a unicast MAC");
            const std::pair<mac_address, int> key{con.mac, con.vlan ? *con.vlan : -1};
            if (auto [it, fresh] = keys.emplace(key, i); !fresh)
                fail(join(path, "mac"), "duplicate connection key " + key_text(con.mac, con.vlan) +
                                            " also used by " + index("connections", it->second));
            for (std::size_t j = 0; j < con.ipv4.size(); ++j)
                if (auto [it, fresh] = v4.emplace(con.ipv4[j], i); !fresh)
                    fail(index(join(path, "ipv4"), j), format_ipv4(con.ipv4[j]) +
                                                           " is also used by " +
                                                           index("connections", it->second));
            for (std::size_t j = 0; j < con.ipv6.size(); ++j)
                if (auto [it, fresh] = v6.emplace(con.ipv6[j], i); !fresh)
                    fail(index(join(path, "ipv6"), j), format_ipv6(con.ipv6[j]) +
                                                           " is also used by " +
                                                           index("connections", it->second));
        }
    }

    std::vector<std::string> connection_names() const {
        std::vector<std::string> out;
        for (const connection_config& con : m_cfg.connections)
            out.push_back(con.name);
        return out;
    }

    bool has_connection(const std::string& name) const {
        for (const connection_config& con : m_cfg.connections)
            if (con.name == name)
                return true;
        return false;
    }

    void check_groups() const {
        std::map<std::pair<mac_address, int>, std::size_t> keys;
        for (std::size_t i = 0; i < m_cfg.multicast_groups.size(); ++i) {
            const multicast_group_config& g = m_cfg.multicast_groups[i];
            const std::string path = index("multicast_groups", i);
            if (!is_group_mac(g.mac))
                fail(join(path, "mac"), format_mac(g.mac) +
                                            " is a unicast address; a multicast group needs "
                                            "the I/G bit set (e.g. 01:00:5e:00:00:01)");
            if (is_broadcast_mac(g.mac))
                fail(join(path, "mac"), "the broadcast address is not a multicast group "
                                        "(broadcast reaches every connection of its VLAN)");
            const std::pair<mac_address, int> key{g.mac, g.vlan ? *g.vlan : -1};
            if (auto [it, fresh] = keys.emplace(key, i); !fresh)
                fail(join(path, "mac"), "duplicate group " + key_text(g.mac, g.vlan) +
                                            " also used by " +
                                            index("multicast_groups", it->second));
            std::set<std::string> seen;
            for (std::size_t j = 0; j < g.members.size(); ++j) {
                const std::string member = index(join(path, "members"), j);
                if (!has_connection(g.members[j]))
                    fail(member, "no connection is named \"" + g.members[j] + "\"" +
                                     did_you_mean(nearest(g.members[j], connection_names())));
                if (!seen.insert(g.members[j]).second)
                    fail(member, "\"" + g.members[j] + "\" is listed twice");
            }
        }
    }

    void check_lookup() const {
        const std::string& target = m_cfg.lookup.unknown_unicast;
        if (target != "drop" && !has_connection(target))
            fail("lookup.unknown_unicast", "\"" + target +
                                               "\" is neither drop nor a connection name" +
                                               did_you_mean(nearest(target, connection_names())));
    }

    void check_workload() const {
        const workload_config& w = m_cfg.workload;
        const double sum =
            w.broadcast_fraction + w.multicast_fraction + w.arp_fraction + w.unknown_fraction;
        if (sum > 1 + 1e-9) {
            std::string path = "workload.broadcast_fraction";
            for (const char* p : {"workload.multicast_fraction", "workload.arp_fraction",
                                  "workload.unknown_fraction"})
                path = pick(path, p);
            fail(path, "workload fractions (broadcast + multicast + arp + unknown) sum to " +
                           format_real(sum) + ", must be at most 1");
        }
        if (w.stalling_vms > w.vms)
            fail(pick("workload.stalling_vms", "workload.vms"),
                 "workload.stalling_vms (" + std::to_string(w.stalling_vms) +
                     ") exceeds workload.vms (" + std::to_string(w.vms) + ")");
    }

    const config& m_cfg;
    const origin_map& m_origins;
};

} // namespace

void check_cross(const config& cfg, const origin_map& origins) {
    cross_checker(cfg, origins).run();
}

} // namespace evr::config::detail
