/* pkginfo.h - package metadata: the `.PKGINFO` member of every package and
 * each package stanza of the repository index share this format.
 *
 * A stanza is UTF-8 text, one "key: value" per line, ended by a blank line
 * or the end of input. List fields repeat their key, one value per line
 * (depend:, provide:, conffile:), kept in sorted order when written.
 * Unknown keys, duplicate single keys and missing required keys are
 * errors naming the source and line. Reference: tools/doc/package.md.
 */
#ifndef KRILL_PKGINFO_H
#define KRILL_PKGINFO_H

#include <stdint.h>

#include "util.h"

struct pkginfo {
	char *name;		  /* required */
	char *version;		  /* required: VERSION-rN */
	char *arch;		  /* required */
	char *origin;		  /* required: the port it was built from */
	char *summary;		  /* required */
	char *license;		  /* required: SPDX expression */
	char *homepage;		  /* optional */
	char *build_key;	  /* optional: the port's content key */
	char *keyring;		  /* optional: "yes" marks the keyring package, the
				   * only one that may install etc/krill/keys/ */
	uint64_t installed_size;  /* required: bytes of regular files */
	struct strlist depends;	  /* "name", "name>=ver", "so:libz.so.1" */
	struct strlist provides;  /* "name", "name=ver", "so:libz.so.1" */
	struct strlist conffiles; /* paths (no leading /) kept on del if changed */
	/* apk's install_if, replaces and provider_priority (tools/doc/client.md) */
	struct strlist install_if; /* dependencies: installed when all are */
	struct strlist replaces;   /* names whose files this package may take over */
	char *provider_priority;   /* whole number, NULL when unset */
	/* index-only fields (has_index_fields) */
	int has_index_fields;
	char *file; /* package file name in the repo */
	char sha256[65];
	uint64_t size;
};

/* Parse one stanza starting at *pos in data[0..len); advances *pos past it
 * and any following blank lines. `src` names the input for messages and
 * line0 is the line number data[*pos] is on (updated). Returns 1 for a
 * stanza, 0 at end of input, -1 on error (kr_err: "src:line: ..."). With
 * index_fields, file/sha256/size are required, else forbidden. */
int pkginfo_parse(const char *data, size_t len, size_t *pos, int *line, const char *src,
		  int index_fields, struct pkginfo *out);
/* Append the stanza (with its trailing blank line if index_fields). */
void pkginfo_write(const struct pkginfo *p, struct sb *out);
void pkginfo_free(struct pkginfo *p);
/* "NAME-VERSION.ARCH.pkg.tar.zst" */
char *pkginfo_filename(const struct pkginfo *p);
/* Does p satisfy dependency dep (dep.h's rules)? -1 with kr_err when dep is
 * malformed. */
int pkginfo_satisfies(const struct pkginfo *p, const char *dep);

#endif
