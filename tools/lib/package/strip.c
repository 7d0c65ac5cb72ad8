/* strip.c - see strip.h */
#include "strip.h"

#include <elf.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elfinfo.h"
#include "util.h"

extern char **environ;

enum { EXE, LIB, AR, NKINDS };
/* The machine the build host's own programs are for. */
#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#else
#define HOST_MACHINE -1
#endif

static const char *const kind_flag[NKINDS] = {"--strip-all", "--strip-unneeded", "--strip-debug"};

/* nftw has no user pointer: the walk state lives here for one call. */
static struct {
	struct strlist files[2][NKINDS]; /* [0] target's files, [1] the host's */
	int split;			 /* a host strip was given */
	struct strlist inodes;		 /* "dev:ino" of files seen with nlink > 1 */
	int failed;
} W;

static int is_archive(const char *path)
{
	char magic[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, magic, sizeof magic);
	close(fd);
	return n == 8 && !memcmp(magic, "!<arch>\n", 8);
}

static int classify(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	if (st->st_nlink > 1) {
		char *id = xasprintf("%ju:%ju", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
		if (sl_has(&W.inodes, id)) {
			free(id);
			return 0;
		}
		sl_push_own(&W.inodes, id);
	}
	struct elf_info e;
	if (elf_inspect(path, &e) < 0) {
		W.failed = 1;
		return 1;
	}
	int kind = e.is_shlib ? LIB : e.is_exec ? EXE : !e.is_elf && is_archive(path) ? AR : -1;
	int host = W.split && e.is_elf && e.machine == HOST_MACHINE;
	elf_info_free(&e);
	if (kind >= 0)
		sl_push(&W.files[host][kind], path);
	return 0;
}

/* Run strip FLAG FILES... in chunks, adding u+w for the run when a file
 * is read-only (strip rewrites it). */
static int run_strip(const char *prog, const char *flag, const struct strlist *files)
{
	const size_t chunk = 200;
	for (size_t i = 0; i < files->n; i += chunk) {
		size_t n = files->n - i < chunk ? files->n - i : chunk;
		const char **argv = xcalloc(n + 3, sizeof *argv);
		argv[0] = prog;
		argv[1] = flag;
		mode_t *modes = xcalloc(n, sizeof *modes);
		for (size_t j = 0; j < n; j++) {
			struct stat st;
			argv[j + 2] = files->v[i + j];
			if (stat(argv[j + 2], &st) == 0 && !(st.st_mode & S_IWUSR)) {
				modes[j] = st.st_mode & 07777;
				chmod(argv[j + 2], modes[j] | S_IWUSR);
			}
		}
		pid_t pid;
		int rc = posix_spawnp(&pid, prog, NULL, NULL, (char **)argv, environ), status = 0;
		if (rc == 0 && waitpid(pid, &status, 0) < 0)
			rc = errno;
		for (size_t j = 0; j < n; j++)
			if (modes[j])
				chmod(argv[j + 2], modes[j]);
		if (rc)
			kr_err("%s: cannot run: %s", prog, strerror(rc));
		else if (!WIFEXITED(status) || WEXITSTATUS(status))
			kr_err("%s %s failed (status %d) on %zu file(s) starting with %s", prog,
			       flag, status, n, argv[2]);
		free(modes);
		free(argv);
		if (rc || !WIFEXITED(status) || WEXITSTATUS(status))
			return -1;
	}
	return 0;
}

int strip_tree(const char *destdir, const char *strip_prog, const char *host_strip, int *count)
{
	memset(&W, 0, sizeof W);
	W.split = host_strip != NULL;
	int rc = 0;
	if (nftw(destdir, classify, 32, FTW_PHYS) != 0 || W.failed) {
		if (!W.failed)
			kr_err("%s: cannot walk: %s", destdir, strerror(errno));
		rc = -1;
	}
	int n = 0;
	for (int h = 1; h >= 0; h--)
		for (int k = 0; k < NKINDS; k++) {
			if (rc == 0 && W.files[h][k].n)
				rc = run_strip(h ? host_strip : strip_prog, kind_flag[k],
					       &W.files[h][k]);
			n += (int)W.files[h][k].n;
			sl_free(&W.files[h][k]);
		}
	sl_free(&W.inodes);
	if (count)
		*count = n;
	return rc;
}
