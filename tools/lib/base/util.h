/* util.h - small shared helpers: errors, strings, lists, files, hashing.
 *
 * Error convention: library functions return 0 (or a valid pointer) on
 * success and -1 (or NULL) on failure after calling kr_err() with a message
 * that carries its own context (file, place, expectation). Only main()
 * decides to print it and exit. Memory exhaustion aborts (xmalloc), as in
 * git: there is no useful recovery from it in a build tool.
 */
#ifndef KRILL_UTIL_H
#define KRILL_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define KR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- errors ---- */
void kr_err(const char *fmt, ...) KR_PRINTF(1, 2);
void kr_verr(const char *fmt, va_list ap);
/* Prefix the current error with more context: "ctx: old message". */
void kr_err_prefix(const char *fmt, ...) KR_PRINTF(1, 2);
const char *kr_errmsg(void);
/* A warning that does not stop the work (a skipped bad key): printed to
 * stderr at once as "krill: warning: ...". */
void kr_warn(const char *fmt, ...) KR_PRINTF(1, 2);

/* ---- memory ---- */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) KR_PRINTF(1, 2);

/* ---- growable string ---- */
struct sb {
	char *s;
	size_t len, cap;
};
#define SB_INIT                                                                                    \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}
void sb_add(struct sb *b, const void *data, size_t n);
void sb_adds(struct sb *b, const char *s);
void sb_addc(struct sb *b, char c);
void sb_printf(struct sb *b, const char *fmt, ...) KR_PRINTF(2, 3);
void sb_reset(struct sb *b);
/* Returns the string (never NULL) and leaves b empty; caller frees. */
char *sb_steal(struct sb *b);
void sb_free(struct sb *b);
static inline const char *sb_str(const struct sb *b)
{
	return b->s ? b->s : "";
}

/* ---- string list ---- */
struct strlist {
	char **v;
	size_t n, cap;
};
#define STRLIST_INIT                                                                               \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}
void sl_push(struct strlist *l, const char *s); /* copies s */
void sl_push_own(struct strlist *l, char *s);	/* takes s */
void sl_sort(struct strlist *l);
void sl_uniq(struct strlist *l); /* sorted input */
int sl_has(const struct strlist *l, const char *s);
void sl_free(struct strlist *l);
/* Split s on any char in seps, dropping empty fields. */
void sl_split(struct strlist *l, const char *s, const char *seps);
char *sl_join(const struct strlist *l, const char *sep);

/* ---- misc strings ---- */
int str_starts(const char *s, const char *prefix);
int str_ends(const char *s, const char *suffix);
int is_hex(const char *s, size_t n);

/* ---- files ---- */
/* Read a whole file; adds a terminating NUL not counted in *len. */
int read_file(const char *path, char **data, size_t *len);
/* Write to PATH.tmp.PID, fsync, rename over PATH, fsync its directory. */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* The same without either fsync: never torn, but durable only once the
 * caller syncs the file system (the client's commit point does). */
int write_file_replace(const char *path, const void *data, size_t len, mode_t mode);
/* fsync a directory so a rename in it is durable. */
int fsync_dir(const char *dir);
int mkdir_p(const char *path, mode_t mode);
int rm_rf(const char *path);
int path_exists(const char *path);
int is_dir(const char *path);
char *path_join(const char *a, const char *b);
/* Directory part of path (malloc'd); "." when none. */
char *path_dirname(const char *path);
const char *path_basename(const char *path);
/* Sorted entry names of a directory, without . and .. */
int list_dir(const char *dir, struct strlist *out);
/* Every entry below root, depth first in list_dir order: visit(rel, full,
 * st, arg) with its lstat, a directory before its entries. A visit that
 * returns < 0 stops the walk (its error stands); 1 skips a directory's
 * entries. */
struct stat;
typedef int (*walk_fn)(const char *rel, const char *full, const struct stat *st, void *arg);
int walk_tree(const char *root, walk_fn visit, void *arg);
/* Copy a file (contents and mode) atomically into place. */
int copy_file(const char *src, const char *dst);

/* ---- hashing (OpenSSL) ---- */
#define SHA256_HEX_LEN 64
void sha256_hex(const void *data, size_t n, char out[SHA256_HEX_LEN + 1]);
int sha256_file(const char *path, char out[SHA256_HEX_LEN + 1], uint64_t *size);

/* Incremental hashing for content keys and streams. */
struct hasher;
struct hasher *hasher_new(void);
void hasher_add(struct hasher *h, const void *data, size_t n);
void hasher_adds(struct hasher *h, const char *s);		 /* adds s plus '\n' */
void hasher_end(struct hasher *h, char out[SHA256_HEX_LEN + 1]); /* frees h */

/* ---- processes ---- */
/* First line of a shell command's output (for tool versions), or NULL. */
char *run_first_line(const char *cmd);

/* ---- time ---- */
double now_seconds(void); /* monotonic */

#endif
