/* patch.c - see patch.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patch.h"
#include "proc.h"

static int run_patch(const char *patch, const char *srcdir, int level, int dry, struct sb *out)
{
	char p[16], *abs = realpath(patch, NULL);
	snprintf(p, sizeof p, "-p%d", level);
	char *argv[] = {"patch",
			p,
			"--forward",
			"--batch",
			"--no-backup-if-mismatch",
			"-i",
			abs ? abs : (char *)patch,
			"-d",
			(char *)srcdir,
			dry ? "--dry-run" : NULL,
			NULL};
	int st = proc_run(argv, NULL, out);
	free(abs);
	return st;
}

/* Name the failing file and hunk from patch's output, e.g.
 *   "patching file src/a.c" / "Hunk #2 FAILED at 31." */
static void describe_failure(const char *patch, const char *out)
{
	struct strlist lines = STRLIST_INIT;
	sl_split(&lines, out, "\n");
	const char *file = NULL;
	struct sb why = SB_INIT;
	for (size_t i = 0; i < lines.n; i++) {
		const char *l = lines.v[i];
		if (str_starts(l, "patching file ") || str_starts(l, "checking file "))
			file = l + 14; /* both prefixes are 14 long */
		else if (str_starts(l, "Hunk #") && strstr(l, "FAILED"))
			sb_printf(&why, "%s%s: %s", why.len ? "; " : "", file ? file : "?", l);
		else if (strstr(l, "can't find file to patch") || strstr(l, "No file to patch") ||
			 strstr(l, "Reversed (or previously applied)") || strstr(l, "malformed"))
			sb_printf(&why, "%s%s", why.len ? "; " : "", l);
	}
	if (!why.len) /* something else: show the last line */
		sb_adds(&why, lines.n ? lines.v[lines.n - 1] : "patch failed without output");
	kr_err("%s: does not apply: %s", patch, sb_str(&why));
	sb_free(&why);
	sl_free(&lines);
}

int patch_apply(const char *patch, const char *srcdir)
{
	static const int levels[] = {1, 0, 2};
	struct sb first = SB_INIT, out = SB_INIT;
	const struct sb *report = &first;
	int rc = -1;
	for (size_t i = 0; i < ARRAY_LEN(levels); i++) {
		struct sb *o = i ? &out : &first;
		sb_reset(o);
		int st = run_patch(patch, srcdir, levels[i], 1, o);
		if (st < 0)
			goto done;
		if (st == 0) {
			sb_reset(&out);
			st = run_patch(patch, srcdir, levels[i], 0, &out);
			if (st == 0)
				rc = 0;
			else if (st > 0)
				describe_failure(patch, sb_str(&out));
			goto done;
		}
		/* another level only helps when this one found no file at all */
		if (!strstr(sb_str(o), "can't find file to patch")) {
			report = o;
			break;
		}
	}
	describe_failure(patch, sb_str(report));
done:
	sb_free(&first);
	sb_free(&out);
	return rc;
}

int patch_list(const char *dir, struct strlist *out)
{
	if (!is_dir(dir))
		return 0;
	struct strlist names = STRLIST_INIT;
	if (list_dir(dir, &names) < 0)
		return -1;
	for (size_t i = 0; i < names.n; i++)
		if (str_ends(names.v[i], ".patch"))
			sl_push_own(out, path_join(dir, names.v[i]));
	sl_free(&names);
	sl_sort(out);
	return 0;
}

int patch_apply_dir(const char *dir, const char *srcdir)
{
	struct strlist l = STRLIST_INIT;
	int rc = patch_list(dir, &l);
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		rc = patch_apply(l.v[i], srcdir);
	sl_free(&l);
	return rc;
}
