# ca-certificates' test, with the port's own openssl: a chain made here
# verifies against the bundle plus the test's CA, not against the bundle
# alone; an unrelated leaf fails; OpenSSL's default CA file is the bundle.
set -eu
b=$ROOT/etc/ssl/certs/ca-certificates.crt
o() { $RUN "$ROOT/usr/bin/openssl" "$@"; }
fails() { if "$@"; then echo "expected to fail: $*" >&2; exit 1; fi; }
cnf=$ROOT/etc/ssl/openssl.cnf
n=$(grep -c '^-----BEGIN CERTIFICATE-----$' "$b")
echo "bundle: $n certificates"
test "$n" -gt 100
# every one of them parses
test "$(o storeutl -certs -noout "$b" | tail -n 1)" = "Total found: $n"
test "$(readlink "$ROOT/etc/ssl/cert.pem")" = certs/ca-certificates.crt
cd /tmp
ca() { # ca NAME: a self-signed CA
	o req -config "$cnf" -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
		-keyout "$1.key" -out "$1.crt" -days 2
}
leaf() { # leaf NAME CA: a server certificate signed by CA
	o req -config "$cnf" -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" \
		-keyout "$1.key" -out "$1.csr"
	printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s\n' "$1" >ext
	o x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -set_serial 7 -days 1 -extfile ext -out "$1.crt"
}
ca testca && leaf good.test testca
ca otherca && leaf stray.test otherca
cat "$b" testca.crt >trust.pem
o verify -purpose sslserver -CAfile trust.pem good.test.crt | grep -qx 'good.test.crt: OK'
fails o verify -purpose sslserver -CAfile trust.pem stray.test.crt
fails o verify -purpose sslserver -CAfile "$b" good.test.crt
# with the root as / ($INROOT), openssl's default store (/etc/ssl/cert.pem)
# is the bundle: a root of the bundle verifies without -CAfile, ours does not
# (openssl is the root's on $INROOT's PATH, for host too)
awk '/^-----BEGIN/ {p = 1} p {print} /^-----END/ {exit}' "$b" >first.crt
$INROOT openssl verify /tmp/first.crt | grep -qx '/tmp/first.crt: OK'
fails $INROOT openssl verify /tmp/good.test.crt
