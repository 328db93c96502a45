// A "something for you" event that is notified only while its one waiting process waits.
//
// The router's engines are told of new work, freed buffers or returned resources by delta
// notifications, most of which happen while the engine is busy elsewhere (inside a timed
// wait for its own FIFO command, say) and so wake nobody. The kernel still pays for each:
// an event trigger and often a delta cycle of its own. Skipping them changes nothing a
// process can see, provided every waiter re-checks its condition before waiting (all of
// evr's do: `while (queue empty) wait`), so a notification made while it was not waiting
// is never needed.
#pragma once

#include <systemc>

#include "evr/core/delta_jitter.h"

namespace evr::core {

class wake_event {
public:
    // Wakes the waiter, in the next delta cycle; nothing if no process is waiting.
    void notify() {
        if (m_waiting)
            m_event.notify(sc_core::SC_ZERO_TIME);
    }
    // From an SC_THREAD: sleeps until the next notify().
    void wait() {
        arm();
        sc_core::wait(m_event);
        disarm();
        delta_jitter();
    }
    // For a wait on several events: arm() before `wait(a.event() | b)`, disarm() after.
    void arm() { m_waiting = true; }
    void disarm() { m_waiting = false; }
    const sc_core::sc_event& event() const { return m_event; }

private:
    sc_core::sc_event m_event;
    bool m_waiting = false;
};

} // namespace evr::core
