# Dependencies, found with pkg-config. A missing one stops configuration and names the Debian
# package that provides it (`./run` installs them all).
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: install the Debian package 'pkg-config'")
endif()

# e2esasl_require(<prefix> <pkg-config module> <Debian package>)
function(e2esasl_require prefix module debian_package)
  pkg_check_modules(${prefix} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${prefix}_FOUND)
    message(FATAL_ERROR
      "Dependency '${module}' not found by pkg-config: install the Debian package "
      "'${debian_package}' (apt-get install ${debian_package}), or run ./run which installs it.")
  endif()
  message(STATUS "Found ${module} ${${prefix}_VERSION}")
endfunction()

e2esasl_require(SASL2 libsasl2 libsasl2-dev)
e2esasl_require(OPENSSL "libssl;libcrypto" libssl-dev)
e2esasl_require(GNUTLS gnutls libgnutls28-dev)
e2esasl_require(SODIUM libsodium libsodium-dev)
e2esasl_require(IDN libidn libidn-dev)
e2esasl_require(ARGON2 libargon2 libargon2-dev)
e2esasl_require(STROPHE libstrophe libstrophe-dev)
e2esasl_require(JOSE jose libjose-dev)
if(E2ESASL_BUILD_TESTS)
  e2esasl_require(CPPUNIT cppunit libcppunit-dev)
endif()
