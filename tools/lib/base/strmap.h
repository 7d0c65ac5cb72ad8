/* strmap.h - string -> pointer hash map (open addressing), keys copied. */
#ifndef KRILL_STRMAP_H
#define KRILL_STRMAP_H

#include <stddef.h>

struct strmap {
	char **keys;
	void **vals;
	size_t n, cap;
};
#define STRMAP_INIT                                                                                \
	{                                                                                          \
		NULL, NULL, 0, 0                                                                   \
	}

void *strmap_get(const struct strmap *m, const char *key);
/* Sets key; returns the previous value or NULL. */
void *strmap_put(struct strmap *m, const char *key, void *val);
void strmap_free(struct strmap *m);

#endif
