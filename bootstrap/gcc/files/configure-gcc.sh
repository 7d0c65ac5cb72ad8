# configure-gcc.sh - gcc's top-level configure, sourced in $BUILDDIR (its
# exports reach make) by the gcc stage (the compiler: make all-host) and by
# gcc-runtime (the target libraries: make all-target). Each stage keeps a
# byte-identical copy in its files/: both must see one configuration.
src=$(realpath --relative-to=. "$SRCDIR")
map="-ffile-prefix-map=$SRCDIR=. -ffile-prefix-map=$BUILDDIR=."
# flags go in through the environment: the configure command line is
# recorded in the driver (`gcc -v`: "Configured with: ...") and would
# carry the maps' /build paths into the toolchain
export CFLAGS="-O2 $map" CXXFLAGS="-O2 $map"
export CFLAGS_FOR_TARGET="-g -O2 $map" CXXFLAGS_FOR_TARGET="-g -O2 $map"
# the runtime libraries' relative relocations as DT_RELR (glibc reads it
# since 2.36 and links itself so): libstdc++'s ~2,000 R_*_RELATIVE
# entries of 24 bytes each become about 1 KB, which the images carry
export LDFLAGS_FOR_TARGET="-Wl,-z,pack-relative-relocs"
# --with-glibc-version: the compiler is configured before glibc's headers
# exist in /sysroot (what configure would otherwise read them for: the
# stack protector's guard, gnu-unique objects, ifuncs)
"$src/configure" \
  --build="$("$SRCDIR/config.guess")" \
  --host="$("$SRCDIR/config.guess")" \
  --target="$TARGET" \
  --prefix=/toolchain \
  --with-sysroot=/sysroot \
  --with-glibc-version=2.43 \
  --enable-languages=c,c++ \
  --enable-shared \
  --enable-threads=posix \
  --enable-__cxa_atexit \
  --enable-clocale=gnu \
  --enable-default-pie \
  --enable-default-ssp \
  --enable-linker-build-id \
  --with-linker-hash-style=gnu \
  --enable-lto \
  --disable-multilib \
  --disable-nls \
  --disable-bootstrap \
  --disable-libsanitizer \
  --disable-libssp \
  --disable-libstdcxx-pch \
  --disable-plugin \
  --with-system-zlib \
  --without-zstd \
  --with-pkgversion=Krill \
  CC=gcc CXX=g++
