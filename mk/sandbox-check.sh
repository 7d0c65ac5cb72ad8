#!/bin/sh
# mk/sandbox-check.sh - can bubblewrap start a sandbox like the builds'?
# The first command of make world/ports/toolchain/check (after the host
# prerequisites, which install bwrap). It starts the real bwrap with the
# namespaces and mounts of tools/lib/build/sandbox.c (user, ipc, pid, uts,
# cgroup, net; /usr read-only, a fresh /proc, /dev, /tmp, a fixed hostname)
# and runs a shell that reads /proc. In a chroot, or in a container without
# user namespaces or with a masked /proc, bwrap fails: then this prints
# bwrap's own message, the likely cause and what to do, and exits 1, so the
# run stops here with one clear error instead of every build failing.
# usage: mk/sandbox-check.sh [--summary]   (--summary: also print the test
#        suite's closing line "0 passed, 1 failed", for make check)
set -u
summary=${1:-}
err=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$err" "$work"' EXIT

# the same flags as sandbox_argv() (test_sandbox_check compares them)
set -- --unshare-user-try --unshare-ipc --unshare-pid --unshare-uts --unshare-cgroup-try \
	--unshare-net --die-with-parent --new-session --as-pid-1 \
	--hostname krill-build --clearenv --setenv PATH /usr/bin:/usr/sbin \
	--ro-bind /usr /usr
if [ -d /usr/lib/locale ]; then
	set -- "$@" --tmpfs /usr/lib/locale
	[ -d /usr/lib/locale/C.utf8 ] && set -- "$@" --ro-bind /usr/lib/locale/C.utf8 /usr/lib/locale/C.utf8
	set -- "$@" --remount-ro /usr/lib/locale
fi
for l in bin sbin lib lib64 lib32; do
	[ -d "/usr/$l" ] && set -- "$@" --symlink "usr/$l" "/$l"
done
set -- "$@" --proc /proc --dev /dev --tmpfs /tmp --bind "$work" /build --chdir /build
probe='test -r /proc/self/status && test "$(cat /proc/sys/kernel/hostname)" = krill-build'
if bwrap "$@" /bin/sh -ec "$probe" </dev/null >"$err" 2>&1; then
	exit 0
fi
rc=$?

say() { echo "krill: $*" >&2; }
msg=$(head -c 2000 "$err")
[ -n "$msg" ] || msg="(no message; exit $rc)"
say "bubblewrap cannot start a build sandbox; every port builds in one, so nothing can be built here."
say "bwrap said: $msg"
cause=
fix=
uid=$(id -u)
in_chroot=0
# as root, / differs from init's root in a chroot
if [ "$uid" = 0 ] && [ -r /proc/1/root/. ] &&
	[ "$(stat -c %d:%i / 2>/dev/null)" != "$(stat -c %d:%i /proc/1/root/. 2>/dev/null)" ]; then
	in_chroot=1
fi
in_container=0
if [ -e /.dockerenv ] || [ -e /run/.containerenv ] ||
	grep -qsE '/(docker|lxc|kubepods|libpod)' /proc/1/cgroup; then
	in_container=1
fi
sysctl_is() { [ "$(cat "/proc/sys/$1" 2>/dev/null)" = "$2" ]; }
case "$msg" in
*"not found"* | *"No such file"*)
	[ -x "$(command -v bwrap 2>/dev/null)" ] || {
		cause="bwrap is not installed"
		fix="apt-get install bubblewrap (it is in mk/host-packages.txt)"
	}
	;;
*"mount proc"* | *"proc on"*)
	cause="a fresh /proc cannot be mounted: this container masks or mounts /proc read-only"
	fix="run the container privileged (docker/podman run --privileged), or unmask /proc (podman --security-opt unmask=ALL; docker --security-opt systempaths=unconfined)"
	;;
esac
if [ -z "$cause" ]; then
	if [ $in_chroot = 1 ]; then
		cause="this is a chroot: the kernel refuses new user and mount namespaces inside one"
		fix="run on the host itself, in a VM, or in a privileged container (docker/podman run --privileged), not in a chroot"
	elif sysctl_is user/max_user_namespaces 0; then
		cause="user namespaces are disabled (user.max_user_namespaces = 0)"
		fix="as root on the host: sysctl -w user.max_user_namespaces=15000"
	elif [ "$uid" != 0 ] && sysctl_is kernel/unprivileged_userns_clone 0; then
		cause="unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)"
		fix="as root on the host: sysctl -w kernel.unprivileged_userns_clone=1 (or run as root)"
	elif [ "$uid" != 0 ] && sysctl_is kernel/apparmor_restrict_unprivileged_userns 1; then
		cause="AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1)"
		fix="as root on the host: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or give bwrap an AppArmor profile that allows userns"
	elif [ $in_container = 1 ]; then
		cause="this container does not allow new namespaces (seccomp, AppArmor or missing CAP_SYS_ADMIN)"
		fix="run the container privileged (docker/podman run --privileged), or with --security-opt seccomp=unconfined --security-opt apparmor=unconfined --cap-add SYS_ADMIN"
	else
		cause="the kernel or a security policy refused the sandbox's namespaces"
		fix="run on a host or in a privileged container where 'bwrap --unshare-all --proc /proc --ro-bind / / true' works"
	fi
fi
say "likely cause: $cause"
say "what to do: $fix"
say "then check again with: make sandbox-check   (details: tools/doc/sandbox.md)"
if [ "$summary" = --summary ]; then
	echo "FAIL sandbox_check: bubblewrap cannot start a build sandbox ($cause)"
	echo "0 passed, 1 failed"
fi
exit 1
