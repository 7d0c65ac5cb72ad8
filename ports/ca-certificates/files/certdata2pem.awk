# certdata2pem.awk - the PEM bundle of the CAs that Mozilla trusts for TLS
# servers, from NSS's certdata.txt (POSIX awk, LC_ALL=C).
#
# A certificate is taken only if a CKO_NSS_TRUST object with the same
# label, issuer and serial number says CKA_TRUST_SERVER_AUTH
# CKT_NSS_TRUSTED_DELEGATOR. Anything the parser does not expect (a line
# of another shape, an unknown trust value, an attribute given twice, a
# trust object without its certificate, a certificate that is not one DER
# SEQUENCE of exactly its length) stops it with the line number: a bundle
# is never written from input it did not understand.
function fail(msg) {
	printf "certdata2pem: %s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	failed = 1
	exit 1
}
function endobj() {
	if (!inobj)
		return
	if (!(("CKA_LABEL") in cur)) fail("object without CKA_LABEL ending here")
	if (cur["CKA_CLASS"] == "CKO_CERTIFICATE") {
		if (!("CKA_VALUE" in cur) || !("CKA_ISSUER" in cur) || !("CKA_SERIAL_NUMBER" in cur))
			fail("certificate " cur["CKA_LABEL"] " lacks CKA_VALUE, CKA_ISSUER or CKA_SERIAL_NUMBER")
		id = cur["CKA_LABEL"] SUBSEP cur["CKA_ISSUER"] SUBSEP cur["CKA_SERIAL_NUMBER"]
		if (id in cert) fail("certificate " cur["CKA_LABEL"] " listed twice")
		cert[id] = cur["CKA_VALUE"]
		cline[id] = objline
		order[++ncert] = id
	} else if (cur["CKA_CLASS"] == "CKO_NSS_TRUST") {
		t = cur["CKA_TRUST_SERVER_AUTH"]
		if (t != "CKT_NSS_TRUSTED_DELEGATOR" && t != "CKT_NSS_MUST_VERIFY_TRUST" &&
		    t != "CKT_NSS_NOT_TRUSTED" && t != "CKT_NSS_TRUSTED")
			fail("trust object " cur["CKA_LABEL"] ": unknown CKA_TRUST_SERVER_AUTH '" t "'")
		id = cur["CKA_LABEL"] SUBSEP cur["CKA_ISSUER"] SUBSEP cur["CKA_SERIAL_NUMBER"]
		if (id in trust) fail("trust object " cur["CKA_LABEL"] " listed twice")
		trust[id] = t
		tline[id] = FNR
	}
	split("", cur)
	inobj = 0
}
BEGIN {
	b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for (i = 0; i < 8; i++) oct[i ""] = i
}
!data { if ($0 == "BEGINDATA") data = 1; next }
multi {
	if ($0 == "END") { cur[attr] = val; multi = 0; next }
	if ($0 !~ /^(\\[0-3][0-7][0-7])+$/) fail("expected octal bytes (\\ooo...) or END")
	n = length($0) / 4
	for (i = 0; i < n; i++) {
		o = substr($0, i * 4 + 2, 3)
		val = val sprintf("%02x", oct[substr(o, 1, 1)] * 64 + oct[substr(o, 2, 1)] * 8 + oct[substr(o, 3, 1)])
	}
	next
}
/^#/ || /^[ \t]*$/ { next }
$1 !~ /^CKA_[A-Z0-9_]+$/ { fail("expected an attribute line (CKA_NAME TYPE VALUE)") }
$1 == "CKA_CLASS" { endobj(); inobj = 1; objline = FNR }
{
	if (!inobj) fail("attribute before the first CKA_CLASS")
	attr = $1
	if (attr in cur) fail(attr " given twice in one object")
	if ($2 == "MULTILINE_OCTAL") {
		if (NF != 2) fail("MULTILINE_OCTAL takes no value on its line")
		multi = 1; val = ""
		next
	}
	if (NF < 3) fail("expected CKA_NAME TYPE VALUE")
	v = $0
	sub(/^[^ ]+ +[^ ]+ +/, "", v)
	if ($2 == "UTF8" && v !~ /^".*"$/) fail("UTF8 value not in double quotes")
	cur[attr] = v
}
function der_ok(hex,    n, b1, k, len, i) {
	n = length(hex) / 2
	if (substr(hex, 1, 2) != "30" || n < 2) return 0
	b1 = hexval(substr(hex, 3, 2))
	if (b1 < 128) return n == 2 + b1
	k = b1 - 128
	if (k < 1 || k > 4 || n < 2 + k) return 0
	len = 0
	for (i = 0; i < k; i++) len = len * 256 + hexval(substr(hex, 5 + 2 * i, 2))
	return n == 2 + k + len
}
function hexval(h) { return index("0123456789abcdef", substr(h, 1, 1)) * 16 - 16 + index("0123456789abcdef", substr(h, 2, 1)) - 1 }
function pem(hex,    n, i, a, b, c, s, line) {
	n = length(hex) / 2
	s = ""
	for (i = 0; i < n; i += 3) {
		a = hexval(substr(hex, i * 2 + 1, 2))
		b = i + 1 < n ? hexval(substr(hex, i * 2 + 3, 2)) : 0
		c = i + 2 < n ? hexval(substr(hex, i * 2 + 5, 2)) : 0
		s = s substr(b64, int(a / 4) + 1, 1) substr(b64, (a % 4) * 16 + int(b / 16) + 1, 1)
		s = s (i + 1 < n ? substr(b64, (b % 16) * 4 + int(c / 64) + 1, 1) : "=")
		s = s (i + 2 < n ? substr(b64, c % 64 + 1, 1) : "=")
	}
	print "-----BEGIN CERTIFICATE-----"
	for (i = 1; i <= length(s); i += 64) print substr(s, i, 64)
	print "-----END CERTIFICATE-----"
}
END {
	if (failed) exit 1
	if (multi) fail("input ends inside a MULTILINE_OCTAL value")
	if (!data) fail("no BEGINDATA line")
	endobj()
	for (id in trust)
		if (!(id in cert)) {
			split(id, p, SUBSEP)
			FNR = tline[id]
			fail("trust object " p[1] " has no certificate of that label, issuer and serial")
		}
	for (i = 1; i <= ncert; i++) {
		id = order[i]
		if (trust[id] != "CKT_NSS_TRUSTED_DELEGATOR") continue
		split(id, p, SUBSEP)
		FNR = cline[id]
		if (!der_ok(cert[id])) fail("certificate " p[1] ": CKA_VALUE is not one DER SEQUENCE")
		print "# " substr(p[1], 2, length(p[1]) - 2)
		pem(cert[id])
		out++
	}
	if (!out) fail("no certificate is trusted for TLS servers")
	printf "certdata2pem: %d of %d certificates trusted for TLS servers\n", out, ncert > "/dev/stderr"
}
