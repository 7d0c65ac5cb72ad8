/* imagespec.h - images/NAME.yaml, parsed strictly with libyaml.
 *
 * Field names follow apko's image configuration (contents, accounts,
 * environment, work-dir, archs, annotations, paths) where Krill has the
 * same thing; entrypoint and cmd are exec-form lists. The reference of
 * every key and of what each does to the image is tools/doc/image.md.
 * Parsing collects every problem as a diagnostic with its line:col (the
 * style of recipe.h); scalars are taken as written, so "0755" stays text.
 */
#ifndef KRILL_IMAGESPEC_H
#define KRILL_IMAGESPEC_H

#include "diag.h"
#include "util.h"

/* A string with the place it was written, for later messages. */
struct ispstr {
	char *s;
	struct pos pos;
};

struct isplist {
	struct ispstr *v;
	size_t n;
};

struct ispkv {
	char *key, *value;
};

struct isgroup {
	struct ispstr name;
	unsigned gid;
	struct isplist members;
};

struct isuser {
	struct ispstr name;
	unsigned uid, gid;
	char *homedir; /* default /home/NAME */
	char *shell;   /* default /sbin/nologin */
};

enum ispath_type { ISP_DIRECTORY, ISP_EMPTY_FILE, ISP_SYMLINK, ISP_PERMISSIONS };

struct ispath {
	struct ispstr path; /* absolute, clean, as written */
	enum ispath_type type;
	unsigned uid, gid;
	int mode;     /* permission bits; -1: type default (0755 dir, 0644 file) */
	char *source; /* symlink target (symlink only) */
};

struct imagespec {
	char *path;
	char *name; /* the file name without .yaml */
	char sha256[SHA256_HEX_LEN + 1];
	char *description;
	struct isplist repos;	 /* ${arch} allowed; empty: the command line's */
	struct isplist keyring;	 /* *.pub paths relative to the spec; empty: --keys */
	struct isplist packages; /* names or NAME OP VERSION, at least one */
	struct isgroup *groups;
	size_t ngroups;
	struct isuser *users;
	size_t nusers;
	struct ispstr run_as; /* NULL s: root */
	struct strlist entrypoint, cmd;
	struct ispkv *env;
	size_t nenv;
	char *work_dir;
	struct isplist archs; /* krill names (x86_64, aarch64); empty: any */
	struct ispkv *annotations;
	size_t nannotations;
	struct ispath *paths;
	size_t npaths;
};

/* NULL only when the file cannot be read or is not YAML; otherwise a
 * spec, valid exactly when no diagnostic was added. */
struct imagespec *imagespec_load(const char *path, struct diags *d);
struct imagespec *imagespec_load_mem(const char *data, size_t len, const char *path,
				     struct diags *d);
void imagespec_free(struct imagespec *s);

/* Replace ${arch} in s (checked at load time, so this cannot fail). */
char *imagespec_expand(const char *s, const char *arch);
/* Does the spec allow this arch (archs empty or listing it)? */
int imagespec_has_arch(const struct imagespec *s, const char *arch);

#endif
