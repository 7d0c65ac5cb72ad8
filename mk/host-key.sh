#!/bin/sh
# mk/host-key.sh - print the host's part of every content key (krill graph
# --toolchain-key): the host compiler and the versions of the Debian packages
# whose programs and libraries the sandboxed builds run (the sandbox mounts
# the host's /usr). The bootstrap stages are built by them and gcc's host
# programs link the host's gmp/mpfr/mpc/isl/zlib, so upgrading any of these
# rebuilds the toolchain and everything after it. Tools that never reach a
# build (skopeo, clang for the fuzzers, ...) are left out on purpose: their
# upgrades must not throw the cache away. zic (libc-bin, ports/tzdata) is
# covered by libc6-dev: both are one glibc build, and tzdata's build refuses
# a zic whose version is not that of the host's libc.so.6.
set -eu
pkgs='libc6-dev binutils make bash coreutils sed grep gawk perl-base m4
      bison flex texinfo python3 rsync bc patch file
      libgmp-dev libmpfr-dev libmpc-dev libisl-dev zlib1g-dev'
{
  cc --version
  cc -dumpmachine
  c++ --version
  # a package that is not installed is simply absent from the list
  # shellcheck disable=SC2086
  dpkg-query -W -f '${Package} ${Version}\n' $pkgs 2>/dev/null || true
} | sha256sum | cut -c1-64
