// Helpers shared by the reader and writer: turning libpcap's error text into evr's one-line
// messages.
#pragma once

#include <string>

namespace evr::trace::detail {

// libpcap's errbuf may start with the file name, end with a newline or a period, or hold a
// newline inside; evr messages are one line "FILE: problem", so strip all of that.
std::string clean_pcap_message(const char* errbuf, const std::string& path);

// "WHAT 113 (LINUX_SLL) is not Ethernet (1); only Ethernet captures can be simulated"
std::string linktype_problem(const char* what, int dlt);

} // namespace evr::trace::detail
