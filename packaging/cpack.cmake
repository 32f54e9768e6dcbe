# CPack settings for the .deb and .rpm (included from packaging/CMakeLists.txt). What differs
# for the .rpm is done at packaging time by bundle_libs.cmake.
get_directory_property(PHPEEK_ABI_VERSION DIRECTORY ${PROJECT_SOURCE_DIR}/sdk
                       DEFINITION PHPEEK_ABI_VERSION)
string(REGEX MATCH "^[0-9]+" PHPEEK_ABI_MAJOR "${PHPEEK_ABI_VERSION}")
# Third-party plugin packages depend on this, as they would on apache2-api-* or nginx-abi-*: a
# plugin built with SDK 1.x needs `phpeek-pm-plugin-abi-1 (>= 1.x)`.
set(PHPEEK_ABI_PROVIDES phpeek-pm-plugin-abi-${PHPEEK_ABI_MAJOR})

set(CPACK_PACKAGE_NAME phpeek-pm)
set(CPACK_PACKAGE_VENDOR "phpeek-pm developers")
set(CPACK_PACKAGE_CONTACT "phpeek-pm developers <phpeek-pm@example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Equal to CPack's own default on purpose: CPackDeb then takes each package's synopsis from the
# first line of its description, instead of prepending one summary to both packages.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_NAME} built using CMake")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_RELOCATABLE OFF)
set(CPACK_STRIP_FILES ON)
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_SOURCE_DIR}/bundle_libs.cmake)
set(PHPEEK_PKG_SOURCE_DIR ${CMAKE_CURRENT_SOURCE_DIR})  # read by bundle_libs.cmake

# Components and the two packages they make.
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_RPM_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL daemon plugins config systemd doc dev dev-doc)

set(server_description
    "phpeek-pm starts, watches, restarts, scales and stops the processes of a PHP
application stack (php-fpm, nginx, queue workers, schedulers) from one YAML
file, reaps orphans and shuts down in dependency order. It runs as a systemd
service (Type=notify) or as PID 1 in a container. This package contains the
daemon, the rest-api and metrics plugins and the service unit.")
set(dev_description
    "The C ABI header, the C++ wrapper, the PhpeekPmSdk CMake package with
phpeek_add_plugin(), and an example plugin, to build plugins that phpeek-pm
loads at start-up.")

# Debian.
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME phpeek-pm)
set(CPACK_DEBIAN_SERVER_PACKAGE_SHLIBDEPS ON)
# schedule_timezone reads IANA zones from /usr/share/zoneinfo (UTC and Local work without).
set(CPACK_DEBIAN_SERVER_PACKAGE_RECOMMENDS tzdata)
set(CPACK_DEBIAN_SERVER_PACKAGE_PROVIDES "${PHPEEK_ABI_PROVIDES} (= ${PHPEEK_ABI_VERSION})")
set(CPACK_DEBIAN_SERVER_DESCRIPTION "process supervisor for PHP application stacks\n${server_description}")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_SOURCE_DIR}/debian/conffiles ${CMAKE_CURRENT_SOURCE_DIR}/debian/postinst
    ${CMAKE_CURRENT_SOURCE_DIR}/debian/prerm ${CMAKE_CURRENT_SOURCE_DIR}/debian/postrm)
set(CPACK_DEBIAN_SDK_PACKAGE_NAME phpeek-pm-dev)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_SDK_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_SDK_DESCRIPTION "plugin SDK for phpeek-pm\n${dev_description}")

# RPM.
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE "Proprietary (licence not chosen yet)")
set(CPACK_RPM_PACKAGE_GROUP "System Environment/Daemons")
set(CPACK_RPM_SERVER_PACKAGE_NAME phpeek-pm)
set(CPACK_RPM_SERVER_PACKAGE_SUMMARY "process supervisor for PHP application stacks")
set(CPACK_RPM_SERVER_PACKAGE_DESCRIPTION "${server_description}")
set(CPACK_RPM_SERVER_PACKAGE_PROVIDES "${PHPEEK_ABI_PROVIDES} = ${PHPEEK_ABI_VERSION}")
set(CPACK_RPM_SERVER_USER_FILELIST "%config(noreplace) /etc/phpeek-pm/phpeek-pm.yaml")
set(CPACK_RPM_SERVER_POST_INSTALL_SCRIPT_FILE ${CMAKE_CURRENT_SOURCE_DIR}/rpm/post.sh)
set(CPACK_RPM_SERVER_PRE_UNINSTALL_SCRIPT_FILE ${CMAKE_CURRENT_SOURCE_DIR}/rpm/preun.sh)
set(CPACK_RPM_SERVER_POST_UNINSTALL_SCRIPT_FILE ${CMAKE_CURRENT_SOURCE_DIR}/rpm/postun.sh)
set(CPACK_RPM_SDK_PACKAGE_NAME phpeek-pm-dev)
set(CPACK_RPM_SDK_PACKAGE_SUMMARY "plugin SDK for phpeek-pm")
set(CPACK_RPM_SDK_PACKAGE_DESCRIPTION "${dev_description}")
set(CPACK_RPM_SDK_PACKAGE_ARCHITECTURE noarch)
# Directories every rpm system already owns: the packages must not claim them.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /usr/lib/systemd /usr/lib/systemd/system /usr/lib/cmake /usr/include
    /usr/share/man /usr/share/man/man1 /usr/share/doc)

include(CPack)
cpack_add_component_group(server DISPLAY_NAME phpeek-pm)
cpack_add_component_group(sdk DISPLAY_NAME phpeek-pm-dev)
foreach(c daemon plugins config systemd doc)
  cpack_add_component(${c} GROUP server)
endforeach()
foreach(c dev dev-doc)
  cpack_add_component(${c} GROUP sdk)
endforeach()
