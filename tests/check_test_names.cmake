# Fails when a doctest case has a name ctest cannot run: doctest_discover_tests
# hands names to CMake, which splits them at ';', so such a case is silently
# run as zero tests. Usage: cmake -DEXE=caseload_tests -P check_test_names.cmake
execute_process(COMMAND ${EXE} --list-test-cases --no-version OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cannot list the test cases of ${EXE}")
endif()
string(FIND "${listing}" ";" at)
if(NOT at EQUAL -1)
  string(REPLACE ";" "<semicolon>" shown "${listing}")
  string(REGEX MATCHALL "[^\n]*<semicolon>[^\n]*" bad "${shown}")
  string(REPLACE ";" "\n  " bad "${bad}")
  message(FATAL_ERROR "test case names with ';' are never run by ctest; use ',' instead:\n  ${bad}")
endif()
