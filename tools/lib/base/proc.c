/* proc.c - see proc.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"

static void child(char *const argv[], const char *cwd, int outfd)
{
	int null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(outfd, 1) < 0 || dup2(outfd, 2) < 0)
		_exit(127);
	if (cwd && chdir(cwd) < 0)
		_exit(127);
	execvp(argv[0], argv);
	_exit(127);
}

int proc_run(char *const argv[], const char *cwd, struct sb *out)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0) {
		kr_err("%s: cannot create a pipe: %s", argv[0], strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		kr_err("%s: cannot fork: %s", argv[0], strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0)
		child(argv, cwd, fds[1]);
	close(fds[1]);
	char buf[8192];
	for (;;) {
		ssize_t r = read(fds[0], buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (out)
			sb_add(out, buf, (size_t)r);
	}
	close(fds[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			kr_err("%s: waitpid: %s", argv[0], strerror(errno));
			return -1;
		}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	if (WEXITSTATUS(st) == 127 && out && !out->len) {
		kr_err("%s: cannot run (not installed?)", argv[0]);
		return -1;
	}
	return WEXITSTATUS(st);
}
