// Works around one libpcap 1.10 limitation without parsing records ourselves.
#pragma once

#include <cstdint>
#include <cstdio>

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
FILE* open_pcapng_snaplen_filter(FILE* raw, uint32_t* first_snaplen);

} // namespace evr::trace::detail
