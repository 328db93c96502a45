// A small parser written independently of the model's frame builder, so the tests check the
// frames against the protocols rather than against the code that wrote them.
#pragma once

#include <cstdint>
#include <string>

namespace evr::workload::test {

struct parsed_frame {
    std::string error; // empty when the frame parsed
    uint64_t dst_mac = 0, src_mac = 0;
    bool tagged = false;
    uint16_t vlan = 0;
    uint16_t ethertype = 0;
    // IPv4 + UDP
    uint32_t ip_src = 0, ip_dst = 0;
    uint16_t ip_total_len = 0;
    bool ip_checksum_ok = false;
    uint16_t udp_src = 0, udp_dst = 0, udp_len = 0;
    bool udp_checksum_ok = false;
    // ARP
    uint16_t arp_op = 0;
    uint64_t arp_sha = 0;
    uint32_t arp_spa = 0, arp_tpa = 0;
    // Marker (at offset 46: UDP payload or ARP padding)
    bool marker_ok = false;
    uint64_t marker_index = 0;
    int marker_kind = -1; // -1 when the kind byte was cut off
};

parsed_frame parse_frame(const uint8_t* p, uint32_t len);

} // namespace evr::workload::test
