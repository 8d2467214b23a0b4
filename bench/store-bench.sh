#!/usr/bin/env bash
# store-bench.sh: e2esasl-store-bench against sasldb, a private PostgreSQL (pg-sandbox) and a
# private slapd (ldap-sandbox), with the docs/stores.md configuration files; prints one line per
# store, mechanism and client count. Run as root from the build tree's parent:
#   bench/store-bench.sh BUILD_DIR [N] [CLIENTS...]
# (BUILD_DIR e.g. build/normal; N authentications per line, default 300; CLIENTS default 1 4).
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build=$(cd "$1" && pwd)
n=${2:-300}
shift $(($# < 2 ? $# : 2))
clients=("$@")
((${#clients[@]})) || clients=(1 4)
bench=$build/bench/e2esasl-store-bench
ours=$build/sasl2
work=$(mktemp -d /tmp/e2esasl-store-bench-XXXXXX)
chmod 755 "$work"
pg=$(mktemp -d /tmp/e2esasl-pg-XXXXXX)
ldap=$(mktemp -d /tmp/e2esasl-ldap-XXXXXX)
cleanup() {
  "$top/tests/stores/pg-sandbox" remove "$pg" || true
  "$top/tests/stores/ldap-sandbox" remove "$ldap" || true
  rm -rf "$work"
}
trap cleanup EXIT
pgport=$((20000 + RANDOM % 20000))
ldapport=$((pgport + 2))
"$top/tests/stores/pg-sandbox" start "$pg" "$pgport" $$ readerpw writerpw
"$top/tests/stores/ldap-sandbox" start "$ldap" "$ldapport" $$ adminpw
ldapi=$("$top/tests/stores/ldap-sandbox" ldapi "$ldap")

"$build/tools/e2esasl-opaque" keygen --key-file "$work/opaque.key"
for store in sasldb postgresql openldap; do
  mkdir -p "$work/$store/conf" "$work/$store/plugins"
done
ln -s /usr/lib/x86_64-linux-gnu/sasl2/libsasldb.so* "$work/sasldb/plugins/"
ln -s /usr/lib/x86_64-linux-gnu/sasl2/libsql.so* "$work/postgresql/plugins/"
ln -s /usr/lib/x86_64-linux-gnu/sasl2/libldapdb.so* "$work/openldap/plugins/"
fill() {
  sed -e "s|@APP@|$2|; s|@PORT@|$pgport|; s|@READER_PASSWORD@|readerpw|; s|@WRITER_PASSWORD@|writerpw|" \
    -e "s|@LDAPI_URI@|$ldapi|; s|@SCRAM_SECRET@|bench secret|; s|@OPAQUE_KEY_FILE@|$work/opaque.key|" "$1"
}
for store in postgresql openldap; do
  fill "$top/docs/stores/$store/server.conf" "bench-$store" >"$work/$store/conf/bench-$store.conf"
  fill "$top/docs/stores/$store/saslpasswd.conf" saslpasswd >"$work/$store/conf/saslpasswd.conf"
done
cat >"$work/sasldb/conf/bench-sasldb.conf" <<CONF
auxprop_plugin: sasldb
sasldb_path: $work/sasldb/sasldb2
e2esasl_scram_secret: bench secret
e2esasl_opaque_key_file: $work/opaque.key
CONF
cp "$work/sasldb/conf/bench-sasldb.conf" "$work/sasldb/conf/saslpasswd.conf"
# A cheap OPAQUE KSF: Argon2id runs on the client only, and the clients share these 2 cores with
# the server; the server's work does not depend on it.
for f in "$work"/*/conf/*.conf; do
  printf 'e2esasl_opaque_ksf_memory: 1024\ne2esasl_opaque_ksf_time: 1\n' >>"$f"
done

printf 'dn: uid=alice,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nobjectClass: e2esaslAccount\nuid: alice\ncn: alice\nsn: alice\n' |
  ldapadd -x -H "$ldapi" -D cn=admin,dc=example,dc=org -w adminpw >/dev/null
for store in sasldb postgresql openldap; do
  echo pencil | SASL_CONF_PATH="$work/$store/conf" SASL_PATH="$ours:$work/$store/plugins" \
    saslpasswd2 -p -c -u server.example alice
done

for store in sasldb postgresql openldap; do
  for mech in SCRAM-SHA-256 CPACE-R255 OPAQUE-R255; do
    for c in "${clients[@]}"; do
      "$bench" --plugin-path "$ours:$work/$store/plugins" --conf-dir "$work/$store/conf" \
        --app "bench-$store" --mech "$mech" --user alice --password pencil -n "$n" --clients "$c"
    done
  done
done
