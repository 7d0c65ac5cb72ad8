/* verbs.h - the verb table: one file per verb, cmd_<verb>.c. */
#ifndef KRILL_VERBS_H
#define KRILL_VERBS_H

struct verb {
	const char *name;
	const char *summary;
	const char *usage; /* full help text for `krill help VERB` */
	int (*run)(int argc, char **argv);
};

/* KRILL_LEAN (mk/lean.mk): the in-image client, with only the verbs a
 * container user runs; the build side (and its libraries) is not linked. */
#ifdef KRILL_LEAN
#define VERB_LIST(X)                                                                               \
	X(verify)                                                                                  \
	X(add) X(del) X(info) X(list) X(update) X(upgrade) X(fix) X(audit) X(search) X(policy)
#else
#define VERB_LIST(X)                                                                               \
	X(graph)                                                                                   \
	X(lint)                                                                                    \
	X(fetch)                                                                                   \
	X(outdated)                                                                                \
	X(build)                                                                                   \
	X(keygen) X(index) X(verify) X(add) X(del) X(info) X(list) X(update) X(upgrade) X(fix)     \
		X(audit) X(search) X(policy) X(image) X(mirror) X(diff) X(cache)
#endif

#define X(v) extern const struct verb verb_##v;
VERB_LIST(X)
#undef X

/* Print usage of a verb to stderr and return the exit code for a usage error. */
int verb_usage_error(const struct verb *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Common option handling: returns 1 if argv[i] is -h/--help (usage printed). */
int verb_wants_help(const struct verb *v, int argc, char **argv);

#endif
