// The interface every elastic FIFO back end implements (tlm, rtl, lockstep), so the
// command port (fifo_target) is independent of what executes the commands.
#pragma once

#include <cstdint>

#include "evr/fifo/elastic_fifo_ref.h"
#include "evr/fifo/fifo_cmd.h"

namespace evr {

class fifo_backend {
public:
    virtual ~fifo_backend() = default;
    // Executes `cmd` issued at `issue_cycle` (the port is free then) and fills cmd.rsp.
    // Returns the cycle at which the response is valid, issue_cycle + latency(cmd.op)
    // for every back end that obeys the contract.
    virtual uint64_t execute(fifo_cmd& cmd, uint64_t issue_cycle) = 0;
    // Short name for diagnostics: "tlm", "rtl", "lockstep".
    virtual const char* name() const = 0;
};

// `--fifo tlm`: the C++ reference; timing is the contract's latency table.
class tlm_fifo_backend : public fifo_backend {
public:
    explicit tlm_fifo_backend(const fifo_params& params) : m_ref(params) {}

    uint64_t execute(fifo_cmd& cmd, uint64_t issue_cycle) override {
        return issue_cycle + m_ref.execute(cmd);
    }
    const char* name() const override { return "tlm"; }

    // For statistics, the end-of-run conservation check and tests.
    elastic_fifo_ref& ref() { return m_ref; }
    const elastic_fifo_ref& ref() const { return m_ref; }

private:
    elastic_fifo_ref m_ref;
};

} // namespace evr
