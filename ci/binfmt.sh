# ci/binfmt.sh (sourced): can_run ARCH - make binaries of ARCH runnable in a
# root that holds nothing of the host: x86_64 natively; aarch64 through
# binfmt_misc with qemu-aarch64-static and the F flag (the kernel opens the
# interpreter at registration, so it need not exist inside the root),
# registered here if missing. Prints the reason and returns 1 if it cannot.
can_run() {
  case $1 in
    x86_64 | "$(uname -m)") return 0 ;;
    aarch64) ;;
    *) echo "no way to run $1 here"; return 1 ;;
  esac
  bf=/proc/sys/fs/binfmt_misc
  [ -e $bf/register ] || mount -t binfmt_misc binfmt_misc $bf 2>/dev/null
  [ -e $bf/qemu-aarch64 ] || sed 's/:[A-Z]*$/:OCF/' /usr/lib/binfmt.d/qemu-aarch64.conf |
    sed 's|:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:|:/usr/bin/qemu-aarch64-static:|' \
      >$bf/register || { echo "cannot register qemu-aarch64 in $bf"; return 1; }
  grep -q '^flags:.*F' $bf/qemu-aarch64 ||
    { echo "qemu-aarch64 is registered without the F flag"; return 1; }
}
