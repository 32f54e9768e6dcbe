# CPACK_PRE_BUILD_SCRIPTS: runs after cpack has installed the components into its staging tree and
# before it builds the package. Nothing to do for the .deb. For the .rpm, which is built on Debian
# but installed on other distributions:
#  - every shared library the daemon, its TLS client module (phpeek-pm-tls.so) and its plugins
#    load, except glibc and the compiler runtime
#    (libstdc++, libgcc_s: every system with bookworm's glibc or newer has GCC 12's), is copied to
#    /usr/lib/phpeek-pm/lib, and each ELF file gets a RUNPATH relative to $ORIGIN pointing there
#    (RUNPATH is not inherited, so the bundled libraries get one too);
#  - the systemd unit moves to /usr/lib/systemd/system;
#  - CPACK_RPM_SPEC_MORE_DEFINE gets the bundled sonames, so rpm neither requires nor provides
#    them.
cmake_policy(VERSION 3.25)
if(NOT CPACK_GENERATOR STREQUAL "RPM")
  return()
endif()

# glibc's own libraries and the compiler runtime: what "glibc >= bookworm's" systems provide.
set(system_level_regex
    "^(ld-linux[^/]*|libc|libm|libpthread|libdl|librt|libresolv|libutil|libanl|libmvec|libstdc\\+\\+|libgcc_s)\\.so")

find_program(PATCHELF patchelf REQUIRED)
find_program(LDD ldd REQUIRED)

file(GLOB stage "${CPACK_TEMPORARY_DIRECTORY}/*/usr/bin/phpeek-pm")
if(NOT stage)
  message(FATAL_ERROR "bundle_libs: no usr/bin/phpeek-pm under ${CPACK_TEMPORARY_DIRECTORY}")
endif()
get_filename_component(root "${stage}/../../.." ABSOLUTE)  # the server package's staging root
set(libdir "${root}/usr/lib/phpeek-pm/lib")
file(MAKE_DIRECTORY "${libdir}")

file(GLOB plugins "${root}/usr/lib/phpeek-pm/plugins/*.so")
set(tls_module "${root}/usr/lib/phpeek-pm/phpeek-pm-tls.so")
if(NOT EXISTS "${tls_module}")
  message(FATAL_ERROR "bundle_libs: no ${tls_module}")
endif()
set(bundled_sonames "")
foreach(elf "${root}/usr/bin/phpeek-pm" "${tls_module}" ${plugins})
  execute_process(COMMAND ${LDD} "${elf}" OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "bundle_libs: ldd ${elf} failed")
  endif()
  string(REPLACE "\n" ";" lines "${out}")
  foreach(line IN LISTS lines)
    if(line MATCHES "not found")
      message(FATAL_ERROR "bundle_libs: ${elf}: ${line}")
    endif()
    if(NOT line MATCHES "^[ \t]*([^ \t]+) => (/[^ \t]+)")
      continue()  # linux-vdso and the dynamic loader line
    endif()
    set(soname "${CMAKE_MATCH_1}")
    set(path "${CMAKE_MATCH_2}")
    if(soname MATCHES "${system_level_regex}" OR soname IN_LIST bundled_sonames)
      continue()
    endif()
    list(APPEND bundled_sonames "${soname}")
    file(REAL_PATH "${path}" real)
    file(COPY_FILE "${real}" "${libdir}/${soname}")
    file(CHMOD "${libdir}/${soname}" FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
    execute_process(COMMAND ${PATCHELF} --set-rpath "$ORIGIN" "${libdir}/${soname}"
                    COMMAND_ERROR_IS_FATAL ANY)
  endforeach()
endforeach()
execute_process(COMMAND ${PATCHELF} --set-rpath "$ORIGIN/../lib/phpeek-pm/lib"
                        "${root}/usr/bin/phpeek-pm" COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${PATCHELF} --set-rpath "$ORIGIN/lib" "${tls_module}"
                COMMAND_ERROR_IS_FATAL ANY)
foreach(plugin IN LISTS plugins)
  execute_process(COMMAND ${PATCHELF} --set-rpath "$ORIGIN/../lib" "${plugin}"
                  COMMAND_ERROR_IS_FATAL ANY)
endforeach()
list(SORT bundled_sonames)
message(STATUS "bundle_libs: bundled ${bundled_sonames}")

# rpm distributions keep units under /usr.
file(MAKE_DIRECTORY "${root}/usr/lib/systemd/system")
file(RENAME "${root}/lib/systemd/system/phpeek-pm.service"
     "${root}/usr/lib/systemd/system/phpeek-pm.service")
file(REMOVE_RECURSE "${root}/lib")

string(REPLACE "." "\\\\." sonames_regex "${bundled_sonames}")
string(REPLACE "+" "\\\\+" sonames_regex "${sonames_regex}")
string(REPLACE ";" "|" sonames_regex "${sonames_regex}")
set(CPACK_RPM_SPEC_MORE_DEFINE
    "%global __provides_exclude_from ^/usr/lib/phpeek-pm/.*$
%global __requires_exclude ^(${sonames_regex})
%define _build_id_links none")
