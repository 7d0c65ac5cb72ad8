#!/bin/sh
# mk/binfmt-check.sh ARCH - can this machine run ARCH's programs? Port
# tests ($RUN, $INROOT) run a foreign arch's programs under
# qemu-ARCH-static, and whatever those programs exec in turn (busybox's
# applets, openssl called by a script) only runs through binfmt_misc with
# qemu's F flag. A host without it (no systemd-binfmt: a fresh VM or a
# container) used to fail those tests with no message at all; this
# registers qemu when it can (ci/binfmt.sh, as root) and otherwise stops
# the run with the reason and what to do.
set -u
arch=${1:?usage: mk/binfmt-check.sh ARCH}
. "$(dirname "$0")/../ci/binfmt.sh"
why=$(can_run "$arch") && exit 0
echo "krill: ARCH=$arch: port tests need $arch programs to run here: $why" >&2
echo "krill:   install qemu-user-static and register it in binfmt_misc with the F flag, as root:" >&2
echo "krill:   sh -c '. ci/binfmt.sh && can_run $arch' (needs /proc/sys/fs/binfmt_misc, which a container may not offer)" >&2
exit 1
