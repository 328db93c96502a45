#include <sstream>
#include <unordered_map>

#include "evr/common/error.h"
#include "evr/common/input_file.h"
#include "evr/host/vm_farm.h"

namespace evr::host {

std::vector<stall_episode> read_availability_trace(const std::string& path,
                                                   const std::vector<std::string>& names,
                                                   const core::clock_domain& clock) {
    // Read whole (a stall schedule is small next to the trace it goes with), bounded.
    constexpr std::uint64_t max_bytes = std::uint64_t{256} << 20;
    std::istringstream in(read_input_file(path, "host-availability trace", max_bytes));
    std::unordered_map<std::string, std::uint32_t> by_name;
    for (std::uint32_t k = 0; k < names.size(); ++k)
        by_name.emplace(names[k], k);

    std::vector<stall_episode> episodes;
    std::unordered_map<std::uint32_t, std::size_t> open; // conn -> episode awaiting resume
    std::string line;
    std::uint64_t prev_ns = 0;
    for (unsigned lineno = 1; std::getline(in, line); ++lineno) {
        const std::string where = path + ":" + std::to_string(lineno);
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream fields(line);
        std::string ts, conn, event;
        if (!std::getline(fields, ts, ',') || !std::getline(fields, conn, ',') ||
            !std::getline(fields, event))
            throw input_error(where + ": expected time_ns,connection,event");
        while (!event.empty() && (event.back() == '\r' || event.back() == ' '))
            event.pop_back();
        std::uint64_t ns = 0;
        try {
            std::size_t used = 0;
            ns = std::stoull(ts, &used);
            if (used != ts.size())
                throw std::invalid_argument(ts);
        } catch (const std::exception&) {
            throw input_error(where + ": time_ns '" + ts + "' is not a whole number");
        }
        if (ns < prev_ns)
            throw input_error(where + ": times must not go backwards");
        prev_ns = ns;
        const auto it = by_name.find(conn);
        if (it == by_name.end())
            throw input_error(where + ": unknown connection '" + conn + "'");
        const std::uint32_t k = it->second;
        const core::cycle_t cycle =
            static_cast<core::cycle_t>(static_cast<double>(ns) / clock.period_ns());
        if (event == "stall") {
            if (open.count(k))
                continue; // already stalled
            open[k] = episodes.size();
            episodes.push_back({k, cycle, 0, true});
        } else if (event == "resume") {
            auto o = open.find(k);
            if (o == open.end())
                continue; // not stalled: nothing to resume
            stall_episode& e = episodes[o->second];
            e.duration = cycle > e.start ? cycle - e.start : 1;
            e.forever = false;
            open.erase(o);
        } else {
            throw input_error(where + ": event '" + event + "' is not stall or resume");
        }
    }
    return episodes;
}

} // namespace evr::host
