#!/bin/sh
# ci/check-base.sh ARCH REPO_DIR PUBKEY [ROOTFS] - check the base system the
# way a container user gets it. Without ROOTFS, `krill add --root R` (the
# host's krill) installs base-files, busybox, ca-certificates, tzdata-utc and
# krill from the signed repository REPO_DIR (verified with PUBKEY) into an
# empty root, and PUBKEY becomes the root's trusted key. With ROOTFS (an
# unpacked base image), that root is checked as it is. Then the root ALONE,
# in a bwrap whose / is the root and with nothing of the host mounted
# (x86_64 natively; aarch64 under qemu-aarch64-static through binfmt_misc
# with the F flag, registered here if missing):
#   - /bin/sh -c runs a script;
#   - `krill info` lists the installed packages;
#   - `id nonroot` gives 65532, the CA bundle is there;
#   - `krill add` installs one more package from REPO_DIR served by nginx on
#     127.0.0.1, over plain HTTP and over HTTPS with a test CA that is added
#     to the root's trust store for this check only.
# `make base-check ARCH=A` runs it on out/A/repo; `make images-check` on the
# unpacked base image. Exit 1 on any failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: ci/check-base.sh ARCH REPO_DIR PUBKEY [ROOTFS]"
arch=${1:?$usage}
repo=$(cd "${2:?$usage}" && pwd)
pub=${3:?$usage}
rootfs=${4:-}
krill=$top/build/host/bin/krill
T=$(mktemp -d)
nginx_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
fail=0
pass() { echo "PASS base-$1"; }
failed() {
  echo "FAIL base-$1"
  fail=1
}

if [ -n "$rootfs" ]; then
  R=$rootfs
else
  R=$T/root
  mkdir -p "$T/keys" && cp "$pub" "$T/keys/" &&
    "$krill" add -q --root "$R" --repo "$repo" --keys "$T/keys" \
      base-files busybox ca-certificates tzdata-utc krill ||
    { echo "FAIL base-install: krill add of the base packages"; exit 1; }
  mkdir -p "$R/etc/krill/keys" && cp "$pub" "$R/etc/krill/keys/"
  pass "install: $("$krill" list --installed --root "$R" | cut -d' ' -f1 | tr '\n' ' ')"
fi
echo "  root: $(du -sk "$R" | cut -f1) KiB"

. "$top/ci/binfmt.sh"
why=$(can_run "$arch") || { echo "FAIL base-arch: $why"; exit 1; }

# in_root CMD...: run in a bwrap whose / is the root and nothing else
in_root() {
  bwrap --bind "$R" / --proc /proc --dev /dev --tmpfs /tmp --unshare-pid \
    --unshare-uts --hostname krill --die-with-parent --clearenv \
    --setenv PATH /usr/bin:/usr/sbin:/bin:/sbin --setenv HOME /root "$@"
}

out=$(in_root /bin/sh -c 'set -e; for a in 1 2 3; do n=$((n + a)); done; echo "sum=$n $(uname -n)"' 2>&1)
[ "$out" = "sum=6 krill" ] && pass "sh: /bin/sh -c runs a script" || failed "sh: got '$out'"
out=$(in_root /usr/bin/krill info 2>&1)
echo "$out" | grep -qx busybox && echo "$out" | grep -qx krill &&
  pass "info: $(echo "$out" | wc -l) lines, busybox and krill among them" ||
  failed "info: $out"
out=$(in_root /bin/sh -c 'id nonroot' 2>&1)
case $out in uid=65532*gid=65532*) pass "nonroot: $out" ;; *) failed "nonroot: $out" ;; esac
n=$(grep -c 'BEGIN CERTIFICATE' "$R/etc/ssl/certs/ca-certificates.crt" 2>/dev/null)
[ "${n:-0}" -gt 100 ] && pass "ca: $n certificates in /etc/ssl/certs/ca-certificates.crt" ||
  failed "ca: ${n:-no} certificates"

# A test CA and a certificate for 127.0.0.1, and nginx serving the repository.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj /CN=krill-test-ca -keyout "$T/ca.key" -out "$T/ca.crt" 2>/dev/null &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
    -keyout "$T/srv.key" -out "$T/srv.csr" 2>/dev/null &&
  printf 'subjectAltName=IP:127.0.0.1\n' >"$T/ext" &&
  openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial \
    -days 2 -extfile "$T/ext" -out "$T/srv.crt" 2>/dev/null ||
  { echo "FAIL base-tls: cannot make the test certificates"; exit 1; }
port=$((20000 + $$ % 20000))
cat >"$T/nginx.conf" <<EOF
daemon off;
pid $T/nginx.pid;
error_log $T/nginx.err;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $T/tmp;
  proxy_temp_path $T/tmp;
  fastcgi_temp_path $T/tmp;
  uwsgi_temp_path $T/tmp;
  scgi_temp_path $T/tmp;
  server { listen 127.0.0.1:$port; root $repo; }
  server { listen 127.0.0.1:$((port + 1)) ssl; root $repo;
           ssl_certificate $T/srv.crt; ssl_certificate_key $T/srv.key; }
}
EOF
mkdir -p "$T/tmp"
nginx -c "$T/nginx.conf" -p "$T" &
nginx_pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
  [ -s "$T/nginx.pid" ] && break
  sleep 0.3
done
[ -s "$T/nginx.pid" ] || { echo "FAIL base-nginx: $(cat "$T/nginx.err")"; exit 1; }

bundle=$R/etc/ssl/certs/ca-certificates.crt
cp "$bundle" "$T/bundle.orig"
# add_over SCHEME PORT PKG: krill add inside the root, repository over SCHEME
add_over() {
  echo "$1://127.0.0.1:$2/" >"$R/etc/krill/repositories"
  out=$(in_root /usr/bin/krill add "$3" 2>&1)
  if [ $? = 0 ] && in_root /usr/bin/krill info 2>/dev/null | grep -qx "$3"; then
    pass "add-$1: $(echo "$out" | tail -n 1)"
  else
    failed "add-$1: krill add $3 over $1: $out"
  fi
}
add_over http "$port" zlib
# HTTPS without the test CA must be refused, with it accepted
echo "https://127.0.0.1:$((port + 1))/" >"$R/etc/krill/repositories"
if in_root /usr/bin/krill update >"$T/out" 2>&1; then
  failed "https-untrusted: accepted a server the root does not trust"
else
  pass "https-untrusted: refused ($(tail -n 1 "$T/out"))"
fi
cat "$T/ca.crt" >>"$bundle"
add_over https $((port + 1)) libbz2
cp "$T/bundle.orig" "$bundle"
exit $fail
