# Compiler warnings and sanitizers, applied per target with nj_target_defaults().
#
# Warnings are errors when NJ_WERROR is on (CI turns it on). Sanitizers are global so that
# every object in a sanitized tree, including generated protobuf code, is instrumented.

if(NJ_SANITIZE)
  add_compile_options(-fsanitize=${NJ_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${NJ_SANITIZE})
endif()

if(NJ_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "NJ_BUILD_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Every library is instrumented for coverage; only the fuzz targets link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# Applies the project's warning set to a target we own (never to generated code).
function(nj_target_defaults target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
    -Wnull-dereference -Wimplicit-fallthrough -Wformat=2)
  if(NJ_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
