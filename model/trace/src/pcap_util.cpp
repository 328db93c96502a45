#include "pcap_util.h"

#include <pcap/pcap.h>

namespace evr::trace::detail {

std::string clean_pcap_message(const char* errbuf, const std::string& path) {
    std::string msg = errbuf != nullptr ? errbuf : "";
    const std::string prefix = path + ": ";
    if (!path.empty() && msg.compare(0, prefix.size(), prefix) == 0) {
        msg.erase(0, prefix.size());
    }
    for (char& c : msg) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    while (!msg.empty() && (msg.back() == ' ' || msg.back() == '.' || msg.back() == '\t')) {
        msg.pop_back();
    }
    if (msg.empty()) {
        msg = "unknown libpcap error";
    }
    return msg;
}

std::string linktype_problem(const char* what, int dlt) {
    const char* name = pcap_datalink_val_to_name(dlt);
    return std::string(what) + " " + std::to_string(dlt) + " (" +
           (name != nullptr ? name : "unknown") +
           ") is not Ethernet (1); only Ethernet captures can be simulated";
}

} // namespace evr::trace::detail
