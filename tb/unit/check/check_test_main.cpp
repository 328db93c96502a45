// libsystemc's main() calls sc_main(); the checker needs no elaboration, so sc_main only
// runs the tests. <systemc> declares sc_main extern "C": without it the definition would be
// C++-mangled and libsystemc's reference would stay undefined.
#include <gtest/gtest.h>

#include <systemc>

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
