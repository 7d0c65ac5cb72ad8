/* hostrt.c - see hostrt.h */
#include "hostrt.h"

#include <stdlib.h>
#include <string.h>

const char *const hostrt_packages[3] = {"libc6", "libgcc-s1", "libstdc++6"};

/* Is name PKG.list or PKG:ARCH.list? */
static int list_of(const char *name, const char *pkg)
{
	size_t n = strlen(pkg);
	if (strncmp(name, pkg, n) || !str_ends(name, ".list"))
		return 0;
	return !strcmp(name + n, ".list") || name[n] == ':';
}

static void add_from_list(const char *data, size_t len, const struct strlist *libdirs,
			  struct strlist *out)
{
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, ll);
		char *slash = strrchr(line, '/');
		if (slash && slash != line && strstr(slash + 1, ".so.")) {
			*slash = 0;
			if (sl_has(libdirs, line))
				sl_push(out, slash + 1);
		}
		free(line);
		p += ll + 1;
	}
}

int hostrt_sonames(const char *infodir, const struct strlist *libdirs, struct strlist *out)
{
	struct strlist names = STRLIST_INIT;
	if (list_dir(infodir, &names) < 0) {
		kr_err_prefix("the host's C runtime (dpkg's file lists)");
		return -1;
	}
	int rc = 0, have_libc = 0;
	for (size_t i = 0; rc == 0 && i < names.n; i++)
		for (size_t k = 0; k < ARRAY_LEN(hostrt_packages); k++) {
			if (!list_of(names.v[i], hostrt_packages[k]))
				continue;
			char *path = path_join(infodir, names.v[i]), *data;
			size_t len;
			rc = read_file(path, &data, &len);
			free(path);
			if (rc < 0)
				break;
			add_from_list(data, len, libdirs, out);
			free(data);
			have_libc |= k == 0;
		}
	sl_free(&names);
	if (rc == 0 && !have_libc) {
		kr_err("%s: no dpkg file list of libc6, expected a Debian host (the host's C "
		       "runtime is told apart from its other libraries by that list)",
		       infodir);
		rc = -1;
	}
	sl_sort(out);
	sl_uniq(out);
	return rc;
}
