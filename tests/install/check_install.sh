#!/usr/bin/env bash
# check_install.sh <build dir> <source dir>: `cmake --install` into a temporary prefix puts the
# channelbind library, headers and pkg-config file, and the plugin modules under <prefix>/lib/sasl2
# (or the multiarch libdir's sasl2); a C and a C++ program compile and link against the installed
# library through pkg-config alone, and libsasl2 loads the installed modules.
set -euo pipefail
build="$1"
src="$2"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build" --prefix "$prefix" >/dev/null
pc="$(find "$prefix" -name channelbind.pc -print -quit)"
[[ -n "$pc" ]] || { echo "FAIL: no channelbind.pc installed"; exit 1; }
[[ -f "$prefix/include/e2esasl/channelbind.h" && -f "$prefix/include/e2esasl/channelbind_c.h" ]] ||
  { echo "FAIL: headers not installed"; exit 1; }
[[ -f "$prefix/include/e2esasl/confirm.h" ]] ||
  { echo "FAIL: <e2esasl/confirm.h> (the ask-a-person callbacks) not installed"; exit 1; }
plugdir="$(find "$prefix" -type d -name sasl2 -path '*/lib*' -print -quit)"
[[ -n "$plugdir" ]] && ls "$plugdir"/libe2e_*.so >/dev/null ||
  { echo "FAIL: no plugin modules under <prefix>/lib*/sasl2"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")"
[[ "$(pkg-config --variable=includedir channelbind)" -ef "$prefix/include" ]] ||
  { echo "FAIL: pkg-config includedir does not point into the prefix"; exit 1; }

cat >"$prefix/c_user.c" <<'C'
#include <e2esasl/channelbind_c.h>
#include <string.h>
int main(void) { return strcmp(e2e_cb_type_name(E2E_CB_TLS_EXPORTER), "tls-exporter") != 0; }
C
cat >"$prefix/cxx_user.cc" <<'CXX'
#include <e2esasl/channelbind.h>
int main() {
  namespace cb = e2esasl::channelbind;
  return cb::ParseType(cb::TypeName(cb::Type::kTlsUnique)) == cb::Type::kTlsUnique ? 0 : 1;
}
CXX
# shellcheck disable=SC2046
cc -o "$prefix/c_user" "$prefix/c_user.c" $(pkg-config --cflags --libs channelbind)
# shellcheck disable=SC2046
c++ -std=c++20 -o "$prefix/cxx_user" "$prefix/cxx_user.cc" $(pkg-config --cflags --libs channelbind)
libdir="$(pkg-config --variable=libdir channelbind)"
LD_LIBRARY_PATH="$libdir" "$prefix/c_user"
LD_LIBRARY_PATH="$libdir" "$prefix/cxx_user"

# The SAS store's C header, library and program: the installed program runs on a new store.
[[ -f "$prefix/include/e2esasl/sas_store.h" ]] ||
  { echo "FAIL: <e2esasl/sas_store.h> not installed"; exit 1; }
out="$(LD_LIBRARY_PATH="$libdir" "$prefix/bin/e2esasl-sas-peers" --store "$prefix/sas-store" list)"
grep -q "^0 remembered devices$" <<<"$out" ||
  { echo "FAIL: installed e2esasl-sas-peers: $out"; exit 1; }

# The Prosody module that issues VOUCH statements.
[[ -f "$prefix/share/e2esasl/prosody/mod_e2e_vouch.lua" ]] ||
  { echo "FAIL: mod_e2e_vouch.lua not installed under <prefix>/share/e2esasl/prosody"; exit 1; }
# libsasl2 lists the installed mechanisms.
out="$(SASL_PATH="$plugdir" saslpluginviewer -c 2>&1)"
grep -q "SCRAM-SHA-256" <<<"$out" || { echo "FAIL: saslpluginviewer does not list SCRAM-SHA-256"; echo "$out"; exit 1; }
echo "install check passed: $(find "$prefix" -type f | wc -l) files under the prefix"
