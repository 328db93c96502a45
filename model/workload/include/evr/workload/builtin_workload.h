// The built-in default workload of evrsim: what the router simulates when no trace is given,
// so that `evrsim` alone shows it at work. Pure C++ (no SystemC); see docs/workload.md.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace evr::workload {

// The config keys workload.* (docs/workload.md). The line parameters (rate and per-frame
// wire overhead) pace the frames; the router passes its own line settings in.
struct workload_params {
    uint32_t vms = 64, vlans = 4, multicast_groups = 4, stalling_vms = 4;
    uint64_t frames = 200000;
    double load = 0.9; // fraction of line rate
    double broadcast_fraction = 0.02, multicast_fraction = 0.03, arp_fraction = 0.01,
           unknown_fraction = 0.01;
    std::string frame_bytes = "imix"; // "imix" or a captured length 60..9216 (FCS excluded)
    double stall_us = 300;            // mean stall length
    double line_rate_gbps = 10;
    uint32_t preamble_bytes = 8, ifg_bytes = 12, fcs_bytes = 4;
    uint64_t seed = 1;
};

// A VM and its one connection. IPv4 addresses are host-order values: a.b.c.d = a<<24 | ...
struct vm_def {
    std::string name;
    uint64_t mac = 0; // 48-bit MAC in the low bits, first byte on the wire most significant
    std::optional<uint16_t> vlan;
    uint32_t ipv4 = 0;
};

// A multicast group: one VLAN, members are indices into vms(), ascending.
struct group_def {
    uint64_t mac = 0; // 01:00:5e + the low 23 bits of ipv4
    std::optional<uint16_t> vlan;
    std::vector<uint32_t> members;
    uint32_t ipv4 = 0; // 239.1.x.y, the destination of the group's frames
};

// VM `vm` posts no receive buffers during [start_ns, start_ns + duration_ns).
struct stall_episode {
    uint32_t vm = 0;
    uint64_t start_ns = 0;
    uint64_t duration_ns = 0;
};

// The stall episodes of VMs 0..stalling_vms-1 in (start, vm) order, drawn as they are
// asked for (one random stream per VM): memory stays in proportion to the stalling VMs,
// not to the length of the run.
class stall_generator {
public:
    stall_generator(const workload_params& p, uint64_t duration_ns);
    // The next episode, or false after the last (every episode starts before the end).
    bool next(stall_episode& e);

private:
    struct vm_stream {
        std::mt19937_64 rng;
        uint64_t t = 0; // end of the VM's last episode
    };
    bool draw(uint32_t vm, stall_episode& e);

    double m_mean_ns = 0;
    uint64_t m_duration_ns = 0;
    std::vector<vm_stream> m_streams;
    std::vector<stall_episode> m_heads; // each VM's next episode, a min-heap on (start, vm)
};

// What kind of destination a frame was generated for. Informational: a checker should
// derive its expectations from the frame's headers, not from this.
enum class frame_kind : uint8_t { unicast = 0, broadcast = 1, multicast = 2, arp = 3, unknown = 4 };

const char* to_string(frame_kind k);

struct frame {
    uint64_t index = 0;
    uint64_t ts_ns = 0;            // workload time: the first frame starts at 0
    uint32_t cap_len = 0;          // FCS excluded
    uint32_t orig_len = 0;         // == cap_len (nothing is sliced)
    const uint8_t* data = nullptr; // valid until the next call to next()
    frame_kind kind = frame_kind::unicast;
};

// Byte layout of the trace-back marker at offset 46 of every frame (the UDP payload start;
// the ARP padding): "EVRW", frame index (big-endian u64), kind, version, seed tag (BE u16).
// In 60-byte frames only the first 14 bytes fit: magic and index always do.
inline constexpr uint32_t marker_offset = 46;
inline constexpr uint32_t marker_bytes = 16;
inline constexpr uint8_t marker_version = 1;

class builtin_workload {
public:
    // Validates `p`; throws std::invalid_argument with a one-line message naming the
    // workload.* key on a bad value.
    explicit builtin_workload(const workload_params& p);

    const std::vector<vm_def>& vms() const { return m_vms; }
    const std::vector<group_def>& groups() const { return m_groups; }
    // The stall episodes over duration_ns(), from the first (a fresh generator each call).
    stall_generator stalls() const { return stall_generator(m_params, m_duration_ns); }
    const workload_params& params() const { return m_params; }

    // Fills `f` with the next frame and returns true, or returns false after the last one.
    // Memory does not grow with the number of frames; nothing is allocated here.
    bool next(frame& f);

    // Pacing time of the whole workload: the start of the last frame plus its slot on the
    // line at `load`, i.e. when a frame after the last would start. Known at construction.
    uint64_t duration_ns() const { return m_duration_ns; }

    uint64_t frames_generated() const { return m_next_index; }

private:
    workload_params m_params;
    uint32_t m_fixed_len = 0; // 0: imix
    std::vector<vm_def> m_vms;
    std::vector<group_def> m_groups;
    std::vector<std::vector<uint32_t>> m_vlan_members; // VM indices per VLAN index
    uint64_t m_duration_ns = 0;

    std::mt19937_64 m_shape_rng;  // kind and size: the only draws timing depends on
    std::mt19937_64 m_detail_rng; // destinations and sources
    uint64_t m_payload_key = 0;
    uint64_t m_next_index = 0;
    uint64_t m_t_whole = 0; // pacing clock: whole ns ...
    uint64_t m_t_frac = 0;  // ... and the fraction in units of 2^-32 ns
    std::vector<uint8_t> m_buffer;
};

} // namespace evr::workload
