// Sanitizer builds only (EVR_SANITIZE): compiled into every executable that links SystemC.
//
// SystemC 2.3.4's QuickThreads coroutines tell ASan about their stack switches
// (__sanitizer_start_switch_fiber / __sanitizer_finish_switch_fiber), but not completely:
//  * a switch back to the main coroutine, the stack sc_start() was called on, announces that
//    stack as [nullptr, +0): the main coroutine owns no stack object, so it has no bounds to
//    give. From the first wait() of the first SC_THREAD on, ASan believes the thread's stack
//    is empty;
//  * a thread that ends (sc_cor_pkg_qt::abort) switches with no announcement at all, so ASan
//    keeps the ended thread's stack as the current one.
// Either way, an exception thrown on the main stack afterwards (in an SC_METHOD, or in
// evr::app::run() after sc_start() returned) finds no usable stack in
// __asan_handle_no_return ("ASan is ignoring requested __asan_handle_no_return ... top:
// 0x000000000000"): the frames it unwinds keep their poisoned shadow, and the next frames
// placed at those addresses report a false stack-use-after-scope (docs/reliability.md).
//
// libsystemc reaches both places through the dynamic linker (a weak reference to
// __sanitizer_start_switch_fiber; sc_cor_qt_aborthelp through its GOT), so definitions in the
// executable come first: these fill in the main stack's real bounds and forward to ASan.
// The version guard keeps this to 2.3.4, the release it was checked against (by its machine
// code: libsystemc-2.3.4.so's sc_cor_pkg_qt::yield, sc_cor_qt_yieldhelp, _aborthelp).

// Only the version macros: sc_ver.h's API check object would reference libsystemc, and this
// file must not make the plain GoogleTest binaries need libsystemc (and its main()).
#define SC_DISABLE_API_VERSION_CHECK
#include <sysc/kernel/sc_ver.h>

#if SC_VERSION_MAJOR == 2 && SC_VERSION_MINOR == 3 && SC_VERSION_PATCH == 4

#include <cstddef>
#include <dlfcn.h>
#include <pthread.h>

namespace {

using start_switch_fn = void (*)(void**, const void*, std::size_t);
using finish_switch_fn = void (*)(void*, const void**, std::size_t*);

// ASan's own entry points: the next definitions after the executable's.
start_switch_fn asan_start_switch() {
    static const auto fn =
        reinterpret_cast<start_switch_fn>(dlsym(RTLD_NEXT, "__sanitizer_start_switch_fiber"));
    return fn;
}

finish_switch_fn asan_finish_switch() {
    static const auto fn =
        reinterpret_cast<finish_switch_fn>(dlsym(RTLD_NEXT, "__sanitizer_finish_switch_fiber"));
    return fn;
}

struct stack_range {
    const char* bottom = nullptr;
    std::size_t size = 0;

    bool contains(const void* p) const {
        const char* c = static_cast<const char*>(p);
        return c >= bottom && c < bottom + size;
    }
};

// The main coroutine's stack: that of the thread running the simulation kernel, which is
// the only thread that switches coroutines.
const stack_range& main_stack() {
    static const stack_range range = [] {
        stack_range r;
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) != 0)
            return r;
        void* addr = nullptr;
        std::size_t size = 0;
        if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
            r.bottom = static_cast<const char*>(addr);
            r.size = size;
        }
        pthread_attr_destroy(&attr);
        return r;
    }();
    return range;
}

} // namespace

extern "C" {

void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom, std::size_t size) {
    // Only the main coroutine has no stack of its own in 2.3.4.
    if (bottom == nullptr && size == 0) {
        bottom = main_stack().bottom;
        size = main_stack().size;
    }
    if (const start_switch_fn start = asan_start_switch())
        start(fake_stack_save, bottom, size);
}

// SystemC's own helper only returns 0; it runs on the stack abort() switched to. An abort to
// another thread is left alone (its stack is not known here): ASan learns that stack at the
// thread's next wait(), and a throw in between only draws the warning again.
void* sc_cor_qt_aborthelp(void* /*old_sp*/, void* /*old_cor*/, void* /*unused*/) {
    const stack_range& main = main_stack();
    if (main.contains(__builtin_frame_address(0))) {
        const start_switch_fn start = asan_start_switch();
        const finish_switch_fn finish = asan_finish_switch();
        if (start && finish) {
            start(nullptr, main.bottom, main.size);
            finish(nullptr, nullptr, nullptr);
        }
    }
    return nullptr;
}

} // extern "C"

#endif
