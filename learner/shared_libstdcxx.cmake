# dreamer_require_shared_libstdcxx(COMPILER): stops configuring when the GNU
# compiler COMPILER links libstdc++ statically (no libstdc++.so to find).
# The torch wheel's libtorch.so exports its own std::filesystem; with a static
# libstdc++ our std::filesystem calls bind to that copy, which crashes
# (remove_all calls a null pointer; seen with the GPU image's /opt/gcc
# wrapper). learner/CMakeLists.txt names libstdc++ first for the shared case.
function(dreamer_require_shared_libstdcxx compiler)
  execute_process(COMMAND ${compiler} -print-file-name=libstdc++.so OUTPUT_VARIABLE libstdcxx
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT IS_ABSOLUTE "${libstdcxx}")
    message(FATAL_ERROR "${compiler} has no shared libstdc++ (it links libstdc++.a), and "
                        "LibTorch needs one; configure with another compiler, e.g. CXX=/usr/bin/g++")
  endif()
endfunction()
