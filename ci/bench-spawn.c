/* bench-spawn.c - run one command and print its wall time, CPU time (user +
 * system) and peak RSS, for ci/bench-client.sh:
 *   bench-spawn CMD [ARG]...  ->  "WALL_S CPU_S MAXRSS_KIB" on stderr
 * The command's stdout goes to /dev/null. Why not Python's posix_spawn:
 * Linux carries the pre-exec address space's high-water RSS into the
 * child's ru_maxrss, and a spawn from Python (vfork) would report Python's
 * 18 MB for every child. This process is small (its RSS is the floor of
 * what can be measured: ~1 MB), and vfork keeps the copy out. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench-spawn CMD [ARG]...\n");
		return 2;
	}
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = vfork();
	if (pid == 0) {
		dup2(null, 1);
		execv(argv[1], argv + 1);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		perror("bench-spawn");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "%.6f %.6f %ld\n",
		(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
		ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
			(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
		ru.ru_maxrss);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
