# nightjar_add_plugin(): builds a Nightjar plugin as a shared library that exports only the
# entry symbol nj_plugin_entry.
#
#   find_package(Nightjar REQUIRED)
#   nightjar_add_plugin(my_plugin my_plugin.cpp)        # -> my_plugin.so
#
# Arguments: the target name, then sources (optionally after SOURCES). OUTPUT_NAME <name>
# changes the file name (default: the target name; the file never gets a "lib" prefix).
#
# The library is compiled with hidden visibility and linked with a version script that keeps
# every symbol but nj_plugin_entry local, so that a plugin's internals (and the C++ runtime
# templates it instantiates) never clash with the collector's or another plugin's. It is
# linked with --no-undefined: a plugin gets everything from the host through the nj_host
# table, so an unresolved symbol is a build error rather than a load error. Linux (ELF) only.

# A global property, so that the function finds the script from any directory scope.
set_property(GLOBAL PROPERTY NIGHTJAR_PLUGIN_VERSION_SCRIPT
             "${CMAKE_CURRENT_LIST_DIR}/nightjar_plugin.map")

function(nightjar_add_plugin target)
  cmake_parse_arguments(ARG "" "OUTPUT_NAME" "SOURCES" ${ARGN})
  set(sources ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  if(NOT sources)
    message(FATAL_ERROR "nightjar_add_plugin(${target}): no sources given")
  endif()
  if(NOT TARGET Nightjar::sdk)
    message(FATAL_ERROR "nightjar_add_plugin(${target}): Nightjar::sdk is not defined; "
                        "call find_package(Nightjar) first")
  endif()
  get_property(version_script GLOBAL PROPERTY NIGHTJAR_PLUGIN_VERSION_SCRIPT)
  add_library(${target} MODULE ${sources})
  target_link_libraries(${target} PRIVATE Nightjar::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON
    LINK_DEPENDS "${version_script}")
  if(ARG_OUTPUT_NAME)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME ${ARG_OUTPUT_NAME})
  endif()
  # The C++ wrapper (nightjar/plugin.hpp) needs C++17; C plugins need nothing more than C99.
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if("CXX" IN_LIST languages)
    target_compile_features(${target} PRIVATE cxx_std_17)
  endif()
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${version_script}"
    "LINKER:--no-undefined")
endfunction()
