/* parallel.h - run fn(0..n-1) on a few threads (one per online CPU, at most
 * 8). Items are handed out one at a time, so uneven items balance. fn must
 * only touch its own item's state (kr_err is per-thread). */
#ifndef KRILL_PARALLEL_H
#define KRILL_PARALLEL_H

#include <stddef.h>

void parallel_for(size_t n, void (*fn)(size_t i, void *arg), void *arg);

#endif
