/* debsrc.h - find a file by sha256 in the Debian source archive, through a
 * private apt state folder built from the host's own apt configuration.
 *
 * CACHE_DIR/apt/ holds a sources.list of deb-src entries (suites experimental,
 * sid, forky, trixie, bookworm from the host's Debian archive URI; trixie-security and
 * bookworm-security from its security URI), apt's lists and a sorted index
 * "SHA256 SIZE URL" of every file named in the Sources indices. The host's
 * apt state is never touched; its apt.conf (proxies) is used as is.
 * Reference: tools/doc/fetch.md.
 */
#ifndef KRILL_DEBSRC_H
#define KRILL_DEBSRC_H

#include <stdint.h>

#include "util.h"

/* The Debian archive URIs found in an apt configuration folder. */
struct debsrc_hosts {
	struct strlist main;	 /* URIs of the main archive ("…/debian") */
	struct strlist security; /* URIs of the security archive */
	char *signed_by;	 /* Signed-By of the first Debian entry, or NULL */
};
void debsrc_hosts_free(struct debsrc_hosts *h);

/* Read ETC/sources.list, ETC/sources.list.d/ *.list and *.sources (NULL:
 * /etc/apt). An entry counts as Debian's when one of its suites is a Debian
 * codename or alias (with -updates/-security/-backports suffixes allowed);
 * one with a -security suite is the security archive. */
int debsrc_read_host(const char *etc, struct debsrc_hosts *out);

/* The sources.list text for the private state (deb-src lines). */
char *debsrc_sources_list(const struct debsrc_hosts *h);

/* Build the index file from the Sources files in lists_dir (compressed or
 * not) that apt fetched from the archive URIs uris (apt names a list file
 * after its URI: scheme dropped, '/' turned to '_'). */
int debsrc_build_index(const struct strlist *uris, const char *lists_dir, const char *index_path);

/* One Sources index apt fetched: its file, archive URI and suite. */
struct debsrc_list {
	char *path, *uri, *suite;
};
void debsrc_lists_free(struct debsrc_list *l, size_t n);

/* The Sources indices in CACHE_DIR/apt/state/lists of the archives of the
 * apt configuration etc (main archive first, then security; as apt fetched
 * them at the last debsrc_update). -1 with kr_err when there is none. */
int debsrc_lists(const char *cache_dir, const char *etc, struct debsrc_list **out, size_t *n);

/* Look sha256 up in an index: the number of places found (each URL
 * appended to urls, *size set), 0 absent, -1 error. */
int debsrc_index_lookup(const char *index_path, const char *sha256, struct strlist *urls,
			uint64_t *size);

/* The suites of h that apt refused, judged from its update output apt_out
 * and the Sources indices in lists_dir: one "SUITE (URI): REASON" entry
 * per refused suite appended to refused (an expired or badly signed
 * Release, a missing one, or no Sources index at all). */
int debsrc_check_suites(const struct debsrc_hosts *h, const char *apt_out, const char *lists_dir,
			struct strlist *refused);

/* The suites refused at the last update (CACHE_DIR/apt/refused) as a note
 * for a "not found" message, or NULL when every suite arrived. */
char *debsrc_refused_note(const char *cache_dir);

/* Make CACHE_DIR/apt current: run apt-get update (private state) and rebuild
 * the index when it is missing, older than a day, or force is set. A suite
 * apt refused (debsrc_check_suites) is named on stderr with apt's reason,
 * and kept in CACHE_DIR/apt/refused for later "not found" messages. */
int debsrc_update(const char *cache_dir, const char *etc, int force);

/* debsrc_update() (at most once per process unless forced) then look up,
 * as debsrc_index_lookup(). */
int debsrc_find(const char *cache_dir, const char *etc, const char *sha256, struct strlist *urls,
		uint64_t *size);

/* Download url to dest with apt-helper (host apt configuration, proxies
 * included), checked against sha256. */
int debsrc_download(const char *url, const char *sha256, const char *dest);

#endif
