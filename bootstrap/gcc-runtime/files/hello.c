/* Toolchain check: a C program using stdio, threads and glibc's own version,
 * so the output shows which C library actually ran it. */
#include <gnu/libc-version.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void *worker(void *arg)
{
	int *n = arg;
	*n *= 2;
	return NULL;
}

int main(void)
{
	pthread_t t;
	int n = 21;
	if (pthread_create(&t, NULL, worker, &n) != 0 || pthread_join(t, NULL) != 0)
		return 1;
	char buf[32];
	snprintf(buf, sizeof buf, "%d", n);
	printf("hello from C: answer=%s glibc=%s\n", strcmp(buf, "42") ? "wrong" : buf,
	       gnu_get_libc_version());
	return 0;
}
