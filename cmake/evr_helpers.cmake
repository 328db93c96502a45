# Shared build settings and helpers for evr components.

add_library(evr_warnings INTERFACE)
target_compile_options(evr_warnings INTERFACE -Wall -Wextra)
if(NOT EVR_WAVES)
    target_compile_definitions(evr_warnings INTERFACE EVR_WAVES=0)
endif()
if(EVR_SANITIZE)
    target_compile_options(evr_warnings INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    # The sanitizer driver links with --no-as-needed, which makes every test that merely
    # links a SystemC-using library depend on libsystemc.so, whose main() then needs an
    # sc_main the plain GoogleTest binaries do not have: ask for --as-needed again, as
    # Debian's default link does.
    target_link_options(evr_warnings INTERFACE -fsanitize=address,undefined -Wl,--as-needed)
endif()
if(EVR_FUZZ)
    # Coverage feedback in every library the targets link; the fuzz binaries add
    # -fsanitize=fuzzer (libFuzzer's main) themselves.
    target_compile_options(evr_warnings INTERFACE
        -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
        -fno-sanitize-recover=undefined)
    target_link_options(evr_warnings INTERFACE -fsanitize=address,undefined)
endif()

# evr_component(NAME SOURCES ... [DEPS ...])
# One component = one folder with include/ and src/; the library is evr_<NAME>.
function(evr_component name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
    add_library(evr_${name} STATIC ${ARG_SOURCES})
    target_include_directories(evr_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(evr_${name} PUBLIC evr_warnings ${ARG_DEPS})
endfunction()

# Shared body of the test helpers: output folder, paths the tests may need, CTest entry.
function(evr_register_test name labels)
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    target_compile_definitions(${name} PRIVATE
        EVR_SHARED_PCAPS="${EVR_SHARED_PCAPS}"
        EVR_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
        EVR_BINARY_DIR="${CMAKE_BINARY_DIR}")
    add_test(NAME ${name} COMMAND ${name})
    if(labels)
        set_tests_properties(${name} PROPERTIES LABELS "${labels}")
    endif()
endfunction()

# evr_gtest(NAME SOURCES ... [DEPS ...] [LABELS ...])
# A GoogleTest binary without SystemC (gtest_main provides main()).
function(evr_gtest name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE evr_warnings GTest::gtest GTest::gtest_main ${ARG_DEPS})
    evr_register_test(${name} "${ARG_LABELS}")
endfunction()

# evr_sc_gtest(NAME SOURCES ... [DEPS ...] [LABELS ...])
# A GoogleTest binary that elaborates SystemC, once: SystemC cannot re-elaborate in a
# process. Debian's libsystemc defines main() and calls sc_main(), so the test provides
# sc_main (running RUN_ALL_TESTS) and must not link gtest_main.
function(evr_sc_gtest name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE evr_warnings GTest::gtest PkgConfig::SYSTEMC ${ARG_DEPS})
    evr_register_test(${name} "${ARG_LABELS}")
endfunction()
