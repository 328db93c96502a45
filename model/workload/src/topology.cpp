#include "topology.h"

#include <algorithm>
#include <cmath>

#include "addressing.h"
#include "random.h"
#include "validate.h"

namespace evr::workload::detail {
namespace {

// Streams of the workload seed (frames use streams 1 and 2, see builtin_workload.cpp).
constexpr uint64_t groups_stream = 3;
constexpr uint64_t stall_stream_base = 0x10000; // + VM index: one stream per stalling VM

uint32_t decimal_width(uint32_t n) {
    uint32_t w = 1;
    for (; n >= 10; n /= 10) {
        ++w;
    }
    return w;
}

} // namespace

std::vector<vm_def> make_vms(const workload_params& p) {
    std::vector<vm_def> vms(p.vms);
    const uint32_t width = decimal_width(p.vms - 1);
    for (uint32_t i = 0; i < p.vms; ++i) {
        const uint32_t v = i % p.vlans;
        std::string digits = std::to_string(i);
        vms[i].name = "vm" + std::string(width - digits.size(), '0') + digits;
        vms[i].mac = vm_mac(i);
        vms[i].vlan = static_cast<uint16_t>(first_vlan_id + v);
        vms[i].ipv4 = vm_ipv4(v, i / p.vlans + 1);
    }
    return vms;
}

std::vector<std::vector<uint32_t>> make_vlan_members(const workload_params& p) {
    std::vector<std::vector<uint32_t>> members(p.vlans);
    for (uint32_t i = 0; i < p.vms; ++i) {
        members[i % p.vlans].push_back(i);
    }
    return members;
}

std::vector<group_def> make_groups(const workload_params& p,
                                   const std::vector<std::vector<uint32_t>>& vlan_members) {
    std::vector<uint32_t> eligible; // VLAN indices with room for a group
    for (uint32_t v = 0; v < vlan_members.size(); ++v) {
        if (vlan_members[v].size() >= 2) {
            eligible.push_back(v);
        }
    }
    std::vector<group_def> groups(p.multicast_groups);
    std::mt19937_64 rng(stream_seed(p.seed, groups_stream));
    std::vector<uint32_t> pool;
    for (uint32_t g = 0; g < p.multicast_groups; ++g) {
        const uint32_t v = eligible[g % eligible.size()];
        pool = vlan_members[v];
        const uint64_t n = pool.size();
        const uint64_t k = 2 + uniform_below(rng, n - 1);
        for (uint64_t j = 0; j < k; ++j) { // partial Fisher-Yates: the first k are the subset
            std::swap(pool[j], pool[j + uniform_below(rng, n - j)]);
        }
        groups[g].ipv4 = group_ipv4(g);
        groups[g].mac = multicast_mac(groups[g].ipv4);
        groups[g].vlan = static_cast<uint16_t>(first_vlan_id + v);
        groups[g].members.assign(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(k));
        std::sort(groups[g].members.begin(), groups[g].members.end());
    }
    return groups;
}

uint64_t stall_stream_seed(const workload_params& p, uint32_t vm) {
    return stream_seed(p.seed, stall_stream_base + vm);
}

} // namespace evr::workload::detail

namespace evr::workload {

namespace {
bool later(const stall_episode& a, const stall_episode& b) {
    return a.start_ns != b.start_ns ? a.start_ns > b.start_ns : a.vm > b.vm;
}
} // namespace

stall_generator::stall_generator(const workload_params& p, uint64_t duration_ns)
    : m_mean_ns(p.stall_us * 1000.0), m_duration_ns(duration_ns) {
    m_streams.reserve(p.stalling_vms);
    for (uint32_t vm = 0; vm < p.stalling_vms; ++vm) {
        m_streams.push_back(
            {std::mt19937_64(detail::stall_stream_seed(p, vm)), detail::stall_warmup_ns});
        stall_episode e;
        if (draw(vm, e))
            m_heads.push_back(e);
    }
    std::make_heap(m_heads.begin(), m_heads.end(), later);
}

// VM `vm`'s next episode: an exponential gap (mean 3x the stall) after its last one, then
// an exponential length clipped to [mean/4, 4 mean]. Gaps and lengths are at least 1 ns,
// so one VM's episodes never touch or overlap.
bool stall_generator::draw(uint32_t vm, stall_episode& e) {
    vm_stream& s = m_streams[vm];
    s.t += std::max<uint64_t>(1, std::llround(detail::exponential(s.rng, 3 * m_mean_ns)));
    if (s.t >= m_duration_ns)
        return false;
    const double len =
        std::clamp(detail::exponential(s.rng, m_mean_ns), m_mean_ns / 4, m_mean_ns * 4);
    e = {vm, s.t, std::max<uint64_t>(1, std::llround(len))};
    s.t += e.duration_ns;
    return true;
}

bool stall_generator::next(stall_episode& e) {
    if (m_heads.empty())
        return false;
    std::pop_heap(m_heads.begin(), m_heads.end(), later);
    e = m_heads.back();
    if (!draw(e.vm, m_heads.back())) {
        m_heads.pop_back();
        return true;
    }
    std::push_heap(m_heads.begin(), m_heads.end(), later);
    return true;
}

} // namespace evr::workload
