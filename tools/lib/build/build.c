/* build.c - see build.h */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *build_host_triplet(void)
{
	char *t = run_first_line("cc -dumpmachine 2>/dev/null");
	return t ? t : xstrdup("x86_64-linux-gnu");
}

char *build_target_triplet(const char *arch)
{
	if (!strcmp(arch, "host"))
		return build_host_triplet();
	return xasprintf("%s-krill-linux-gnu", arch);
}

char *build_test_runner(const char *arch, const char *build_triplet)
{
	static const struct {
		const char *arch, *loader;
	} ld[] = {
		{"x86_64", "/lib64/ld-linux-x86-64.so.2"},
		{"aarch64", "/lib/ld-linux-aarch64.so.1"},
	};
	if (!strcmp(arch, "host"))
		return xstrdup("");
	size_t n = strlen(arch);
	if (!strncmp(build_triplet, arch, n) && build_triplet[n] == '-')
		for (size_t i = 0; i < sizeof ld / sizeof *ld; i++)
			if (!strcmp(ld[i].arch, arch))
				return xasprintf("/sysroot%s --library-path /sysroot/usr/lib",
						 ld[i].loader);
	return xasprintf("qemu-%s-static -L /sysroot", arch);
}

char *build_test_inroot(const char *arch, const char *build_triplet)
{
	struct sb b = SB_INIT;
	sb_adds(&b, "bwrap --die-with-parent");
	if (!strcmp(arch, "host"))
		/* the root's programs run on the host's libraries: the host's
		 * /usr, and the root where it is ($PATH, $LD_LIBRARY_PATH) */
		sb_adds(&b, " --ro-bind /usr /usr --ro-bind /sysroot /sysroot");
	else
		sb_adds(&b, " --ro-bind /sysroot/usr /usr --setenv PATH /usr/bin:/usr/sbin"
			    " --unsetenv LD_LIBRARY_PATH");
	/* merged /usr, whatever the root ships (base-files may be absent) */
	static const char *const top[] = {"bin", "sbin", "lib", "lib64"};
	for (size_t i = 0; i < sizeof top / sizeof *top; i++) {
		/* a target root's lib64 is its usr/lib (the glibc stage) */
		int to_lib = strcmp(arch, "host") && !strcmp(top[i], "lib64");
		sb_printf(&b, " --symlink usr/%s /%s", to_lib ? "lib" : top[i], top[i]);
	}
	sb_adds(&b, " --ro-bind-try /sysroot/etc /etc --ro-bind-try /sysroot/var /var"
		    " --proc /proc --dev /dev --bind /tmp /tmp --bind /build /build");
	/* Another arch runs through binfmt_misc with qemu's F flag (make checks
	 * it first: mk/binfmt-check.sh), exactly as the native one: bwrap looks
	 * the program up on the root's PATH, and what it executes in turn runs
	 * the same way. An explicit qemu prefix took `$INROOT sh` as the file
	 * ./sh and failed without a word. */
	sb_adds(&b, " --");
	return sb_steal(&b);
}

void shell_dq(struct sb *out, const char *s)
{
	sb_addc(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '`')
			sb_addc(out, '\\');
		sb_addc(out, *s);
	}
	sb_addc(out, '"');
}

static void setv(struct strlist *env, const char *name, const char *value)
{
	sl_push_own(env, xasprintf("%s=%s", name, value));
}

void build_env_vars(const struct recipe *r, const struct build_env *e, struct strlist *env)
{
	char buf[64];
	setv(env, "ARCH", e->arch);
	setv(env, "TARGET", e->target);
	setv(env, "BUILD_TRIPLET", e->build_triplet);
	snprintf(buf, sizeof buf, "%d", e->jobs);
	setv(env, "JOBS", buf);
	snprintf(buf, sizeof buf, "%lld", e->source_date_epoch);
	setv(env, "SOURCE_DATE_EPOCH", buf);
	setv(env, "PKGNAME", r->name.s);
	setv(env, "PKGVER", r->version.s);
	snprintf(buf, sizeof buf, "%d", r->release);
	setv(env, "PKGREL", buf);
	setv(env, "SRCDIR", "/build/src");
	setv(env, "BUILDDIR", "/build/obj");
	setv(env, "DESTDIR", "/build/dest");
	setv(env, "FILESDIR", "/build/files");
	setv(env, "SYSROOT", "/sysroot");
	setv(env, "PKG_CONFIG_SYSROOT_DIR", "/sysroot");
	setv(env, "PKG_CONFIG_LIBDIR", "/sysroot/usr/lib/pkgconfig:/sysroot/usr/share/pkgconfig");
	setv(env, "PKG_CONFIG_PATH", "");
	/* Debug info must not depend on where sources sit. */
	char *cflags = xasprintf("-O2 -pipe -ffile-prefix-map=/build/src=/usr/src/%s", r->name.s);
	setv(env, "CFLAGS", cflags);
	setv(env, "CXXFLAGS", cflags);
	free(cflags);
	if (e->cross) {
		static const char *const tools[][2] = {
			{"CC", "gcc"},		{"CXX", "g++"},		{"CPP", "cpp"},
			{"AR", "ar"},		{"RANLIB", "ranlib"},	{"STRIP", "strip"},
			{"NM", "nm"},		{"LD", "ld"},		{"OBJCOPY", "objcopy"},
			{"OBJDUMP", "objdump"}, {"READELF", "readelf"},
		};
		for (size_t i = 0; i < ARRAY_LEN(tools); i++) {
			char *v = xasprintf("%s-%s", e->target, tools[i][1]);
			setv(env, tools[i][0], v);
			free(v);
		}
		setv(env, "CPPFLAGS", "");
		setv(env, "LDFLAGS", "");
	} else {
		/* The host compiler: point it at the sysroot explicitly. */
		setv(env, "CC", "cc");
		setv(env, "CXX", "c++");
		setv(env, "CPP", "cpp");
		setv(env, "AR", "ar");
		setv(env, "RANLIB", "ranlib");
		setv(env, "STRIP", "strip");
		setv(env, "NM", "nm");
		setv(env, "CPPFLAGS", "-I/sysroot/usr/include");
		setv(env, "LDFLAGS", "-L/sysroot/usr/lib -Wl,-rpath-link,/sysroot/usr/lib");
	}
	for (size_t i = 0; i < r->nenv; i++) {
		char *v = recipe_expand(r, r->env[i].value, e->arch);
		setv(env, r->env[i].key, v ? v : r->env[i].value);
		free(v);
	}
}

/* Append ` "arg"...` with recipe variables expanded. */
static int add_args(struct sb *s, const struct recipe *r, const struct build_env *e,
		    const struct pstrlist *args)
{
	for (size_t i = 0; i < args->n; i++) {
		char *x = recipe_expand(r, args->v[i].s, e->arch);
		if (!x) {
			kr_err_prefix("%s:%d:%d", r->path, args->v[i].pos.line, args->v[i].pos.col);
			return -1;
		}
		sb_addc(s, ' ');
		shell_dq(s, x);
		free(x);
	}
	return 0;
}

static void hook(struct sb *s, const char *what, const char *code)
{
	if (!code)
		return;
	sb_printf(s, "echo '>>> %s'\n(\n%s\n)\n", what, code);
}

/* One step of a style: a progress echo, the command, the recipe's args. */
static int step(struct sb *s, const struct recipe *r, const struct build_env *e, const char *title,
		const char *cmd, const struct pstrlist *args)
{
	sb_printf(s, "echo '>>> %s'\n%s", title, cmd);
	int rc = add_args(s, r, e, args);
	sb_addc(s, '\n');
	return rc;
}

char *build_script(const struct recipe *r, const struct build_env *e)
{
	struct sb s = SB_INIT;
	int rc = 0;
	sb_printf(&s, "# krill build script for %s %s-r%d (%s, style %s)\nset -e\n", r->name.s,
		  r->version.s, r->release, e->arch, style_name(r->style));
	sb_printf(&s, "umask %03o\nmkdir -p \"$SRCDIR\" \"$BUILDDIR\" \"$DESTDIR\"\n",
		  e->umask ? (unsigned)e->umask : 022u);
	sb_adds(&s, "cd \"$SRCDIR\"\n");
	if (r->subdir) {
		sb_adds(&s, "cd ");
		shell_dq(&s, r->subdir);
		sb_addc(&s, '\n');
	}
	sb_adds(&s, "S=$(pwd)\n");
	hook(&s, "pre-configure", r->pre_configure);
	const char *into = r->out_of_tree ? "cd \"$BUILDDIR\"\n" : "";
	const char *meson_cross = e->cross ? " --cross-file /build/meson-cross.ini" : "";
	const char *cmake_cross = e->cross ? " -DCMAKE_SYSTEM_NAME=Linux "
					     "-DCMAKE_SYSTEM_PROCESSOR=\"$ARCH\" "
					     "-DCMAKE_SYSROOT=/sysroot "
					     "-DCMAKE_FIND_ROOT_PATH_MODE_PROGRAM=NEVER "
					     "-DCMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY "
					     "-DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY"
					   : "";
	char *cfg = NULL;
	switch (r->style) {
	case STYLE_NONE: break;
	case STYLE_AUTOTOOLS:
		cfg = xasprintf("%s\"$S/configure\" --build=\"$BUILD_TRIPLET\" --host=\"$TARGET\" "
				"--prefix=/usr --sysconfdir=/etc --localstatedir=/var "
				"--libdir=/usr/lib --libexecdir=/usr/libexec "
				"--mandir=/usr/share/man --infodir=/usr/share/info",
				into);
		rc |= step(&s, r, e, "configure", cfg, &r->configure_args);
		rc |= step(&s, r, e, "make", "make -j\"$JOBS\"", &r->make_args);
		rc |= step(&s, r, e, "install", "make DESTDIR=\"$DESTDIR\" install",
			   &r->install_args);
		break;
	case STYLE_MAKE:
		rc |= step(&s, r, e, "make", "make -j\"$JOBS\" PREFIX=/usr", &r->make_args);
		rc |= step(&s, r, e, "install", "make DESTDIR=\"$DESTDIR\" PREFIX=/usr install",
			   &r->install_args);
		break;
	case STYLE_MESON:
		/* pkg-config under both names: meson before 1.3 (Debian 12 has
		 * 1.0) reads only `pkgconfig` and then finds no dependency */
		if (e->cross)
			sb_adds(&s,
				"cat > /build/meson-cross.ini <<EOF\n[binaries]\nc = '$CC'\ncpp = "
				"'$CXX'\nar = '$AR'\nstrip = '$STRIP'\npkg-config = 'pkg-config'\n"
				"pkgconfig = 'pkg-config'\n"
				"[properties]\nsys_root = '/sysroot'\n[host_machine]\nsystem = "
				"'linux'\ncpu_family = '$ARCH'\ncpu = '$ARCH'\nendian = "
				"'little'\nEOF\n");
		cfg = xasprintf("meson setup \"$BUILDDIR\" \"$S\" --prefix=/usr --libdir=lib "
				"--buildtype=plain --wrap-mode=nodownload%s",
				meson_cross);
		rc |= step(&s, r, e, "meson setup", cfg, &r->configure_args);
		rc |= step(&s, r, e, "meson compile", "meson compile -C \"$BUILDDIR\" -j \"$JOBS\"",
			   &r->make_args);
		rc |= step(&s, r, e, "meson install",
			   "DESTDIR=\"$DESTDIR\" meson install -C \"$BUILDDIR\" --no-rebuild",
			   &r->install_args);
		break;
	case STYLE_CMAKE:
		cfg = xasprintf("cmake -S \"$S\" -B \"$BUILDDIR\" -DCMAKE_INSTALL_PREFIX=/usr "
				"-DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_BUILD_TYPE=Release%s",
				cmake_cross);
		rc |= step(&s, r, e, "cmake", cfg, &r->configure_args);
		rc |= step(&s, r, e, "build", "cmake --build \"$BUILDDIR\" -j \"$JOBS\"",
			   &r->make_args);
		rc |= step(&s, r, e, "install",
			   "DESTDIR=\"$DESTDIR\" cmake --install \"$BUILDDIR\"", &r->install_args);
		break;
	case STYLE_CUSTOM: sb_printf(&s, "echo '>>> script'\n(\n%s\n)\n", r->script); break;
	}
	free(cfg);
	sb_adds(&s, "cd \"$S\"\n");
	hook(&s, "post-install", r->post_install);
	if (rc) {
		sb_free(&s);
		return NULL;
	}
	return sb_steal(&s);
}
