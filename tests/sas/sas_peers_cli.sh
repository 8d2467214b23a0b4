#!/usr/bin/env bash
# sas_peers_cli.sh <e2esasl-sas-peers>: the store management program over a real store file in
# the documented format (plugins/sas/retained.h): list never shows a secret, forget and
# forget-all rewrite the store, and each documented exit status (1 store unusable, file left as
# it was; 2 bad command line; 3 unknown identity) with its message.
set -euo pipefail
tool="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
store="$dir/store"
fail() { echo "FAIL: $*" >&2; exit 1; }
b64() { printf '%s' "$1" | base64 -w0; }
rs=$(b64 "secret-secret-secret-secret-rs1!")
rs2=$(b64 "secret-secret-secret-secret-rs2!")
dev1=$(b64 "device-of-bob-01")
dev2=$(b64 "device-of-bob-02")
{
  echo "e2esasl-sas-retained 1"
  echo "self $(b64 "0123456789abcdef")"
  echo "peer $(b64 bob@biloxi.net) $dev1 1 1700000000 1700000100 1700000200 $rs $rs2"
  echo "peer $(b64 bob@biloxi.net) $dev2 1 1700000000 1700000000 1700000000 $rs -"
  echo "peer $(b64 carol@atlanta.com) $dev1 1 1 2 3 $rs -"
} >"$store"
chmod 600 "$store"

out=$("$tool" --store "$store" list)
echo "$out"
grep -q "^bob@biloxi.net .*6465766963652d6f .*yes .*2023-11-14T22:13:20Z" <<<"$out" ||
  fail "list: bob's first device"
[[ $(grep -c "^bob@biloxi.net " <<<"$out") == 2 ]] || fail "list: bob's two devices"
grep -q "^3 remembered devices$" <<<"$out" || fail "list: count"
! grep -q -e "$rs" -e "$rs2" -e "secret-secret" <<<"$out" || fail "list shows a secret"

# An unusable store: exit 1, the reason, the file untouched.
cp "$store" "$dir/before"
chmod 644 "$store"
set +e
msg=$("$tool" --store "$store" forget carol@atlanta.com 2>&1); status=$?
set -e
[[ $status == 1 ]] || fail "mode 0644: exit $status"
grep -q "readable or writable by group or others" <<<"$msg" || fail "mode 0644: $msg"
cmp -s "$store" "$dir/before" || fail "mode 0644: the store changed"
chmod 600 "$store"
printf 'e2esasl-sas-retained 1\nself AAAA\n' >"$dir/corrupt"
chmod 600 "$dir/corrupt"
set +e
msg=$("$tool" --store "$dir/corrupt" list 2>&1); status=$?
set -e
[[ $status == 1 ]] || fail "corrupt: exit $status"
grep -q "corrupt: line 2: expected self" <<<"$msg" || fail "corrupt: $msg"

# Bad command lines: exit 2 with the usage.
for args in "" "--store $store" "--store $store forget" "--store $store list extra" "--store $store drop x"; do
  set +e
  # shellcheck disable=SC2086
  msg=$("$tool" $args 2>&1); status=$?
  set -e
  [[ $status == 2 ]] || fail "'$args': exit $status"
  grep -q "^usage: e2esasl-sas-peers" <<<"$msg" || fail "'$args': no usage"
done

out=$("$tool" --store "$store" forget bob@biloxi.net)
[[ $out == "forgot 2 devices" ]] || fail "forget: $out"
set +e
msg=$("$tool" --store "$store" forget bob@biloxi.net 2>&1); status=$?
set -e
[[ $status == 3 ]] || fail "forget again: exit $status"
grep -q "no remembered device of bob@biloxi.net" <<<"$msg" || fail "forget again: $msg"
[[ $(stat -c %a "$store") == 600 ]] || fail "rewritten store not mode 600"
grep -q "^self $(b64 "0123456789abcdef")$" "$store" || fail "self id changed"
out=$("$tool" --store "$store" forget-all)
[[ $out == "forgot 1 device" ]] || fail "forget-all: $out"
out=$("$tool" --store "$store" list)
grep -q "^0 remembered devices$" <<<"$out" || fail "after forget-all: $out"
# A store that does not exist yet: nothing remembered.
out=$("$tool" --store "$dir/none" list)
grep -q "^0 remembered devices$" <<<"$out" || fail "missing store: $out"
echo "e2esasl-sas-peers: every case as documented"
