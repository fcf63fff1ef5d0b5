# Finds the Debian-packaged dependencies. Nothing is downloaded: .ci/deps installs what is
# missing with apt-get before the build.

find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Protobuf REQUIRED)
find_package(PkgConfig REQUIRED)

# RapidJSON is header-only; Debian ships its CMake config.
find_package(RapidJSON REQUIRED)
if(NOT TARGET nj_rapidjson)
  add_library(nj_rapidjson INTERFACE)
  target_include_directories(nj_rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIRS})
  # std::string support in RapidJSON's API, and 64-bit-safe SIMD-free parsing.
  target_compile_definitions(nj_rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)
endif()

if(NOT NJ_BUILD_FUZZ)
  find_package(Poco REQUIRED COMPONENTS Foundation Net NetSSL Util)
  find_package(OpenSSL REQUIRED)
  find_package(yaml-cpp REQUIRED)
  find_package(SQLite3 REQUIRED)
  pkg_check_modules(LUA REQUIRED IMPORTED_TARGET lua5.4)
  # CCTZ (time zones for alert routes' time intervals) ships neither pkg-config nor CMake files.
  find_library(NJ_CCTZ_LIBRARY cctz REQUIRED)
  find_path(NJ_CCTZ_INCLUDE_DIR cctz/time_zone.h REQUIRED)
  if(NOT TARGET nj_cctz)
    add_library(nj_cctz INTERFACE)
    target_include_directories(nj_cctz SYSTEM INTERFACE ${NJ_CCTZ_INCLUDE_DIR})
    target_link_libraries(nj_cctz INTERFACE ${NJ_CCTZ_LIBRARY})
  endif()
endif()
