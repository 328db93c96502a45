// Works around one libpcap 1.10 limitation without parsing records ourselves.
#pragma once

#include <cstdint>
#include <cstdio>
#include <vector>

namespace evr::trace::detail {

// libpcap 1.10 refuses a pcapng whose interfaces have different snapshot lengths ("an
// interface has a snapshot length N different from ..."), which every mergecap output of
// captures taken with different snaplens is. A snaplen only bounds cap_len, which each
// record states anyway, so this returns a FILE* yielding `raw`'s bytes with every
// Interface Description Block's snaplen field set to 0 ("no limit"); libpcap then sees one
// snaplen for all interfaces. Only block framing (type, length, byte-order magic) is read:
// record decoding stays in libpcap. On anything unexpected the remaining bytes pass through
// unchanged so libpcap reports the problem. The returned FILE owns `raw`; fclose closes
// both. Returns nullptr (and leaves `raw` open) if the stream cannot be created.
//
// A pipe cannot be peeked at: the bytes already read from `raw` to tell pcap from pcapng
// come back as `prefix`, served first. With `pcapng` false the stream only replays the
// prefix and then copies `raw` (a pcap from a pipe).
struct pcapng_seen {
    uint32_t first_snaplen = 0;     // the first interface's, before it is zeroed
    std::vector<uint8_t> first_idb; // that interface's whole block, as read
    bool swapped = false;           // the section's byte order is not the host's
};
FILE* open_pcapng_snaplen_filter(FILE* raw, pcapng_seen* seen, std::vector<uint8_t> prefix = {},
                                 bool pcapng = true);

} // namespace evr::trace::detail
