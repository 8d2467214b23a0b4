#!/usr/bin/env bash
# vouch_cli.sh <e2esasl-vouch>: the issuing tool's commands (keygen, device-keygen, jwks, issue,
# verify) and each documented exit status (2 bad command line, 3 bad input, 4 output exists)
# with its message; and the independent check: a statement the tool issues verifies with
# Debian's `jose` command line tool against the JWKS the tool prints, and jose computes the
# same RFC 7638 thumbprint as the statement's cnf jkt.
set -euo pipefail
tool="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cd "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v jose >/dev/null || fail "the jose command line tool (Debian package jose) is missing"

# expect <status> <message part> <command...>: runs the tool, checks its exit status and stderr.
expect() {
  local want="$1" part="$2" status=0 msg
  shift 2
  msg=$("$tool" "$@" 2>&1 >/dev/null) || status=$?
  [[ $status == "$want" ]] || fail "$*: exit $status, want $want ($msg)"
  [[ $msg == *"$part"* ]] || fail "$*: message '$msg' lacks '$part'"
}
mode() { stat -c %a "$1"; }

# keygen: a 0600 private JWK naming its domain; the kid (RFC 7638 thumbprint) on stdout.
kid=$("$tool" keygen biloxi.net biloxi.key)
[[ $kid =~ ^[A-Za-z0-9_-]{43}$ ]] || fail "keygen: kid '$kid'"
[[ $(mode biloxi.key) == 600 ]] || fail "keygen: mode $(mode biloxi.key)"
grep -q '"e2esasl_domain":"biloxi.net"' biloxi.key || fail "keygen: no domain in the key file"
[[ $(jose jwk thp -i biloxi.key -a S256) == "$kid" ]] || fail "keygen: kid is not jose's thumbprint"
cp biloxi.key before
expect 4 "exists (not overwritten)" keygen biloxi.net biloxi.key
cmp -s before biloxi.key || fail "keygen overwrote a key"
expect 2 "not a lower-case domain name" keygen Biloxi.NET other.key
expect 2 "usage:" keygen biloxi.net
"$tool" keygen atlanta.com atlanta.key >/dev/null

# device-keygen: a 0600 private JWK; the public JWK on stdout (no d).
"$tool" device-keygen phone.key >phone.pub
[[ $(mode phone.key) == 600 ]] || fail "device-keygen: mode"
grep -q '"d"' phone.pub && fail "device-keygen printed the private key"
grep -q '"kty":"EC"' phone.pub || fail "device-keygen: public JWK"
expect 4 "exists" device-keygen phone.key
expect 2 "usage:" device-keygen

# jwks: the public JWKS of a domain's keys.
mkdir trust
"$tool" jwks biloxi.key >trust/biloxi.net.jwks
grep -q "\"kid\":\"$kid\"" trust/biloxi.net.jwks || fail "jwks: kid"
grep -q '"d"' trust/biloxi.net.jwks && fail "jwks printed a private key"
"$tool" jwks atlanta.key >trust/atlanta.com.jwks
expect 3 "cannot open" jwks missing.key
expect 3 "not a domain key" jwks phone.key
expect 3 "a key of atlanta.com, not biloxi.net" jwks biloxi.key atlanta.key
cp biloxi.key loose.key && chmod 644 loose.key
expect 3 "loose.key" jwks loose.key
expect 2 "usage:" jwks

# issue + the independent check by jose.
"$tool" issue biloxi.key bob@biloxi.net phone-1 phone.pub >statement
payload=$(jose jws ver -i "$(cat statement)" -k trust/biloxi.net.jwks -O-) ||
  fail "jose does not verify the statement"
[[ $payload == *'"sub":"bob@biloxi.net"'* && $payload == *'"iss":"biloxi.net"'* ]] ||
  fail "jose: payload $payload"
if jose jws ver -i "$(cat statement)" -k trust/atlanta.com.jwks -O- >/dev/null 2>&1; then
  fail "jose verifies the statement with another domain's key"
fi
claims=$("$tool" verify trust --sub bob@biloxi.net <statement)
[[ $claims == *'"device_id":"phone-1"'* ]] || fail "verify: $claims"
"$tool" issue biloxi.key bob@biloxi.net phone-1 phone.pub --jkt --lifetime 60 >statement-jkt
jose jws ver -i "$(cat statement-jkt)" -k trust/biloxi.net.jwks -O- >/dev/null ||
  fail "jose does not verify the jkt statement"
claims=$("$tool" verify trust <statement-jkt)
[[ $claims == *"\"jkt\":\"$(jose jwk thp -i phone.pub -a S256)\""* ]] ||
  fail "jkt is not jose's thumbprint: $claims"
expect 3 "vouches only for identities of that domain" issue biloxi.key alice@atlanta.com d phone.pub
expect 3 "a private key" issue biloxi.key bob@biloxi.net d phone.key
expect 3 "cannot read" issue biloxi.key bob@biloxi.net d missing.pub
expect 3 "lifetime" issue biloxi.key bob@biloxi.net d phone.pub --lifetime 0
expect 3 "device_id" issue biloxi.key bob@biloxi.net "bad device" phone.pub
expect 2 "--lifetime needs" issue biloxi.key bob@biloxi.net d phone.pub --lifetime
expect 2 "unknown option --x" issue biloxi.key bob@biloxi.net d phone.pub --x
expect 2 "usage:" issue biloxi.key bob@biloxi.net

# verify refuses: another identity, expired, tampered, an unknown domain, a bad trust dir.
expect 3 "sub is not the expected identity" verify trust --sub carol@biloxi.net <statement
expect 3 "expired" verify trust --now 4000000000 <statement
sed 's/^\(.\{60\}\)./\1A/' statement >tampered
cmp -s statement tampered && sed 's/^\(.\{60\}\)./\1B/' statement >tampered
expect 3 "statement:" verify trust <tampered
mkdir other && cp trust/atlanta.com.jwks other/
expect 3 "issuer biloxi.net is not in the trust store" verify other <statement
expect 3 "cannot open the directory" verify missing-dir <statement
expect 2 "usage:" verify
expect 2 "usage:" frobnicate
"$tool" --help 2>/dev/null || fail "--help: exit $?"
echo "e2esasl-vouch CLI: all checks passed"
