# cmake -DSOURCE_DIR=<checkout> -DCOMPILER=<c++ compiler> -P shared_libstdcxx_check.cmake
# Runs the configure-time check that refuses a compiler without a shared
# libstdc++ (learner/shared_libstdcxx.cmake) on COMPILER.
include(${SOURCE_DIR}/learner/shared_libstdcxx.cmake)
dreamer_require_shared_libstdcxx(${COMPILER})
message(STATUS "${COMPILER}: shared libstdc++ found")
