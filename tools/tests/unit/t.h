/* t.h - a tiny unit-test harness. Each TEST prints "PASS name" or
 * "FAIL name: file:line: expression"; ci/run-tests.sh counts the lines. */
#ifndef KRILL_T_H
#define KRILL_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_failed_total;
static int t_failed;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			if (!t_failed)                                                             \
				printf("FAIL %s: %s:%d: %s\n", t_name, __FILE__, __LINE__, #cond); \
			t_failed = 1;                                                              \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *t_a = (a), *t_b = (b);                                                 \
		if (!t_a || !t_b || strcmp(t_a, t_b)) {                                            \
			if (!t_failed)                                                             \
				printf("FAIL %s: %s:%d: \"%s\" != \"%s\"\n", t_name, __FILE__,     \
				       __LINE__, t_a ? t_a : "(null)", t_b ? t_b : "(null)");      \
			t_failed = 1;                                                              \
		}                                                                                  \
	} while (0)

#define TEST(name) static void name(const char *t_name)
#define RUN(name)                                                                                  \
	do {                                                                                       \
		t_failed = 0;                                                                      \
		name(#name);                                                                       \
		if (!t_failed)                                                                     \
			printf("PASS %s\n", #name);                                                \
		t_failed_total += t_failed;                                                        \
	} while (0)
#define DONE() return t_failed_total ? 1 : 0

#endif
