/* parallel.c - see parallel.h */
#include "parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

struct job {
	size_t n;
	atomic_size_t next;
	void (*fn)(size_t, void *);
	void *arg;
};

static void *worker(void *p)
{
	struct job *j = p;
	size_t i;
	while ((i = atomic_fetch_add(&j->next, 1)) < j->n)
		j->fn(i, j->arg);
	return NULL;
}

void parallel_for(size_t n, void (*fn)(size_t i, void *arg), void *arg)
{
	struct job j = {.n = n, .fn = fn, .arg = arg};
	atomic_init(&j.next, 0);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = cpus < 1 ? 1 : cpus > 8 ? 8 : (size_t)cpus;
	if (nt > n)
		nt = n ? n : 1;
	pthread_t t[8];
	size_t started = 0;
	for (size_t k = 1; k < nt; k++)
		if (pthread_create(&t[started], NULL, worker, &j) == 0)
			started++;
	worker(&j); /* this thread works too; enough alone if no thread started */
	for (size_t k = 0; k < started; k++)
		pthread_join(t[k], NULL);
}
