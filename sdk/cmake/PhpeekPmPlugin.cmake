# phpeek_add_plugin(<name> SOURCES <src>... [NO_SDK] [INSTALL_DESTINATION <dir> [COMPONENT <c>]])
#
# Builds a phpeek-pm plugin: a MODULE library named exactly <name>.so (no "lib" prefix), with
#  - C++17 at least for its C++ sources, as phpeek/plugin.hpp and phpeek/json.hpp need (a project
#    asking for an older standard gets 17; a C-only project is not touched);
#  - the link failing unless the plugin defines phpeek_plugin_entry_v1 ("required symbol
#    `phpeek_plugin_entry_v1' not defined"): a plugin without it would be refused at load;
#  - hidden visibility for C and C++ symbols, inline functions included;
#  - a linker version script exporting only phpeek_plugin_entry_v1 (hidden visibility alone still
#    exports template instantiations and GNU-unique statics);
#  - -Wl,-z,defs: every symbol must resolve at link time, proving the plugin needs nothing from
#    the daemon's executable;
#  - -Wl,--exclude-libs,ALL: symbols of static libraries linked in stay private.
# The target is called <name>; add libraries with target_link_libraries(<name> PRIVATE ...).
# Output goes to ${PHPEEK_PLUGIN_OUTPUT_DIR} when that variable is set (the phpeek-pm tree sets it
# to <build>/lib/phpeek-pm/plugins, the same place relative to bin/ as the installed layout).
# NO_SDK: do not link PhpeekPm::sdk (used by the ABI tests that compile against frozen headers).
include_guard(GLOBAL)

function(phpeek_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "NO_SDK" "INSTALL_DESTINATION;COMPONENT" "SOURCES")
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "phpeek_add_plugin(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  if(NOT ARG_NO_SDK)
    target_link_libraries(${name} PRIVATE PhpeekPm::sdk)
  endif()

  set(map_file "${CMAKE_CURRENT_BINARY_DIR}/${name}.phpeek-plugin.map")
  file(CONFIGURE OUTPUT "${map_file}"
       CONTENT "{\n  global:\n    phpeek_plugin_entry_v1;\n  local:\n    *;\n};\n")

  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "${name}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS "${map_file}")
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if(CXX IN_LIST languages)
    target_compile_features(${name} PRIVATE cxx_std_17)
  endif()
  target_link_options(${name} PRIVATE
    "LINKER:--require-defined=phpeek_plugin_entry_v1"
    "LINKER:-z,defs"
    "LINKER:--exclude-libs,ALL"
    "LINKER:--version-script=${map_file}")
  if(DEFINED PHPEEK_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${PHPEEK_PLUGIN_OUTPUT_DIR}")
  endif()

  if(ARG_INSTALL_DESTINATION)
    if(NOT ARG_COMPONENT)
      set(ARG_COMPONENT plugins)
    endif()
    install(TARGETS ${name} LIBRARY DESTINATION "${ARG_INSTALL_DESTINATION}"
            COMPONENT "${ARG_COMPONENT}")
  endif()
endfunction()
