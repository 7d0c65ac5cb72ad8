/* proc.h - run a helper program (patch, apt-get, apt-helper) and collect its
 * output, without a shell in between. */
#ifndef KRILL_PROC_H
#define KRILL_PROC_H

#include "util.h"

/* Run argv[0] (searched in PATH) in cwd (NULL: current directory) with
 * stdin from /dev/null; stdout and stderr go, interleaved, to *out when out
 * is non-NULL (else to /dev/null). Returns the exit status (0..255, or
 * 128+signal), or -1 with kr_err when it could not be started. */
int proc_run(char *const argv[], const char *cwd, struct sb *out);

#endif
