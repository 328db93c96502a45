# evr_fifo_rtl_variant(TARGET VARIANT <name> CLASSES <n> DESCRIPTORS <n> INDIRECT <n>
#                      CONNECTIONS <n> [TRACE] [DEFINES <verilog defines>...])
# Verilates rtl/evr_fifo.sv (verilator --cc, assertions on, no threads) with the given
# parameters into TARGET, and adds evr::make_rtl_model_<name>(), the factory of an
# rtl_model over it. The parameters reach Verilator (-G) and the C++ capacity from this
# one call, so they cannot disagree. TRACE Verilates with --trace (VCD) so the model can
# dump the RTL's signals (docs/waveforms.md); the others stay without it.
function(evr_fifo_rtl_variant target)
    cmake_parse_arguments(ARG "TRACE" "VARIANT;CLASSES;DESCRIPTORS;INDIRECT;CONNECTIONS" "DEFINES"
                          ${ARGN})
    set(rtl ${PROJECT_SOURCE_DIR}/rtl)
    set(prefix Vevr_fifo_${ARG_VARIANT})
    set(defines)
    foreach(d ${ARG_DEFINES})
        list(APPEND defines +define+${d})
    endforeach()
    set(trace)
    set(EVR_TRACED false)
    if(ARG_TRACE)
        set(trace TRACE)
        set(EVR_TRACED true)
    endif()
    verilate(${target} ${trace}
        PREFIX ${prefix}
        TOP_MODULE evr_fifo
        SOURCES ${rtl}/lint/evr_fifo.vlt ${rtl}/evr_fifo_pkg.sv ${rtl}/evr_fifo_ram.sv
                ${rtl}/evr_fifo_rr_pick.sv ${rtl}/evr_fifo.sv
        INCLUDE_DIRS ${rtl}
        VERILATOR_ARGS --assert -Wall -O3 --x-assign fast --x-initial fast
                       -GClasses=${ARG_CLASSES} -GDescriptors=${ARG_DESCRIPTORS}
                       -GIndirect=${ARG_INDIRECT} -GConnections=${ARG_CONNECTIONS} ${defines})
    set(EVR_VARIANT ${ARG_VARIANT})
    set(EVR_PREFIX ${prefix})
    set(EVR_CLASSES ${ARG_CLASSES})
    set(EVR_DESCRIPTORS ${ARG_DESCRIPTORS})
    set(EVR_INDIRECT ${ARG_INDIRECT})
    set(EVR_CONNECTIONS ${ARG_CONNECTIONS})
    set(out ${CMAKE_CURRENT_BINARY_DIR}/rtl_model_${ARG_VARIANT}.cpp)
    configure_file(${PROJECT_SOURCE_DIR}/model/fifo_rtl/src/rtl_model_variant.cpp.in ${out} @ONLY)
    target_sources(${target} PRIVATE ${out})
    # Verilator's generated code and runtime headers are not ours to keep -Wextra clean:
    # its headers as system headers, its sources without warnings.
    target_include_directories(${target} SYSTEM PUBLIC ${VERILATOR_ROOT}/include
                                                       ${VERILATOR_ROOT}/include/vltstd)
    get_target_property(srcs ${target} SOURCES)
    # Under the sanitizers, Verilator 5.006's trace buffer stores 64-bit values at 4-byte
    # alignment by design (verilated_trace_imp.h, fine on x86): UBSan's alignment check
    # is turned off for its code only, every other check stays on.
    set(vl_options -w)
    if(EVR_SANITIZE)
        list(APPEND vl_options -fno-sanitize=alignment)
    endif()
    foreach(s ${srcs})
        if(s MATCHES "/${prefix}\\.dir/" OR s MATCHES "/share/verilator/include/")
            set_source_files_properties(${s} TARGET_DIRECTORY ${target}
                                        PROPERTIES COMPILE_OPTIONS "${vl_options}")
        endif()
    endforeach()
endfunction()
