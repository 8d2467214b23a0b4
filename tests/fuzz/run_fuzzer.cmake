# run_fuzzer.cmake: the CTest command of a libFuzzer target (see CMakeLists.txt here). Copies the
# checked-in corpus to a scratch directory (libFuzzer adds the inputs it finds to its first
# corpus directory; the checked-in one stays untouched), fuzzes for a bounded time and fails
# with the reproducer's path when libFuzzer reports a finding (crash, leak, UB, timeout, OOM).
#
#   cmake -DFUZZER=<exe> -DCORPUS=<dir> -DWORK=<dir> -DSECONDS=<n> [-DEXTRA_ARGS=<a;b>]
#         -P run_fuzzer.cmake
foreach(var FUZZER CORPUS WORK SECONDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzzer.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/corpus" "${WORK}/artifacts")
file(COPY "${CORPUS}/" DESTINATION "${WORK}/corpus")

execute_process(
  COMMAND "${FUZZER}" -max_total_time=${SECONDS} -timeout=5 -rss_limit_mb=2048
          -print_final_stats=1 "-artifact_prefix=${WORK}/artifacts/" ${EXTRA_ARGS}
          "${WORK}/corpus"
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  file(GLOB artifacts "${WORK}/artifacts/*")
  message(FATAL_ERROR "${FUZZER} reported a finding (exit status ${status}); reproducer(s): "
                      "${artifacts}. Replay one with: ${FUZZER} <file>")
endif()
