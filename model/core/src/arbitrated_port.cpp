#include "evr/core/arbitrated_port.h"

#include <sstream>
#include <stdexcept>

#include "evr/core/delta_jitter.h"

namespace evr::core {

arbitrated_port::arbitrated_port(sc_core::sc_module_name name, const sc_core::sc_time& period)
    : sc_module(name), m_period_ps(period.value()), m_half_ps(period.value() / 2) {
    if (m_half_ps == 0)
        throw std::invalid_argument(std::string(this->name()) +
                                    ": the clock period must be at least 2 time units");
    SC_METHOD(decide);
    sensitive << m_decide;
    dont_initialize();
}

void arbitrated_port::configure(std::unique_ptr<arbiter> arb, serve_fn serve) {
    m_arbiter = std::move(arb);
    m_serve = std::move(serve);
    m_done.clear();
    m_done.resize(m_arbiter->requesters().size());
    m_error.assign(m_arbiter->requesters().size(), nullptr);
    m_last_response.assign(m_arbiter->requesters().size(), 0);
    m_arbiter->attach_probe(m_probe, m_wave_port);
}

void arbitrated_port::configure(const std::string& port, std::size_t bound,
                                const port_arbitration& how, serve_fn serve) {
    configure(make_arbiter(port, bound, how), std::move(serve));
}

void arbitrated_port::transact(std::uint32_t requester, sc_core::sc_time& delay) {
    if (delay != sc_core::SC_ZERO_TIME) {
        sc_core::wait(delay);
        delay = sc_core::SC_ZERO_TIME;
        delta_jitter();
    }
    transact(requester);
}

void arbitrated_port::transact(std::uint32_t requester) {
    const std::uint64_t t = sc_core::sc_time_stamp().value();
    if (t % m_period_ps != 0) {
        std::ostringstream os;
        os << name() << ": " << m_arbiter->requesters()[requester] << " requests at "
           << sc_core::sc_time_stamp() << ", not on a clock edge (not a whole number of "
           << sc_core::sc_time::from_value(m_period_ps) << " cycles)";
        throw std::logic_error(os.str());
    }
    const cycle_t c = t / m_period_ps;
    m_arbiter->request(requester, c);
    schedule(c > m_free_at ? c : m_free_at);
    sc_core::wait(m_done[requester]);
    delta_jitter();
    if (m_error[requester]) {
        std::exception_ptr e = m_error[requester];
        m_error[requester] = nullptr;
        std::rethrow_exception(e);
    }
}

// Half a period after the edge of `cycle`: every request of that edge is in.
void arbitrated_port::schedule(cycle_t cycle) {
    const auto when = sc_core::sc_time::from_value(cycle * m_period_ps + m_half_ps);
    m_decide.notify(when - sc_core::sc_time_stamp()); // an earlier pending one stands
}

void arbitrated_port::decide() {
    const cycle_t c = now();
    while (m_free_at <= c) {
        const int granted = m_arbiter->grant(c);
        if (granted < 0)
            break;
        const auto r = static_cast<std::uint32_t>(granted);
        if (m_on_grant)
            m_on_grant(r, c);
        served s{c, c + 1};
        try {
            s = m_serve(r, c);
            if (s.response <= c || s.free_at < c)
                throw std::logic_error(std::string(name()) + ": a grant in cycle " +
                                       std::to_string(c) + " answered in cycle " +
                                       std::to_string(s.response));
        } catch (...) {
            m_error[r] = std::current_exception();
            s = {c, c + 1};
        }
        m_free_at = s.free_at;
        m_last_response[r] = s.response;
        m_done[r].notify(at_edge(s.response) - sc_core::sc_time_stamp());
    }
    if (m_arbiter->pending()) {
        const cycle_t e = m_arbiter->earliest();
        schedule(e > m_free_at ? e : m_free_at);
    }
}

} // namespace evr::core
