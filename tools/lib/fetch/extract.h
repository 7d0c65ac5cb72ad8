/* extract.h - unpack a source archive safely (libarchive).
 *
 * Formats and compressions are detected from the content: tar (gzip, bzip2,
 * xz, zstd, lzip, ...) and zip. Entries are written into a staging folder
 * inside DESTDIR and moved into DESTDIR at the end, so a refused archive
 * leaves DESTDIR as it was. Refused, with the archive and the entry named:
 * absolute paths, '..' components, entries written through a symlink,
 * hardlinks whose target is absolute, has '..' or goes through a symlink,
 * device nodes, FIFOs and sockets. Symlinks themselves may point anywhere
 * (they are only text); nothing is ever written through one. File owners are
 * not restored; modes are (less setuid/setgid, with the umask); mtimes are.
 * Note: changes the working directory while it runs (not thread-safe).
 */
#ifndef KRILL_EXTRACT_H
#define KRILL_EXTRACT_H

struct extract_opts {
	int strip;	   /* leading path components to drop; -1: auto = drop
			      the top folder when it is the archive's only entry */
	const char *inner; /* NULL, or a glob: extract the member archive that
			      matches it (its path, or its base name when the glob
			      has no '/') instead of the archive itself */
	long long *newest; /* NULL, or raised to the newest entry mtime unpacked
			      (the sources' age: SOURCE_DATE_EPOCH's default) */
};

/* Unpack archive into destdir (created if missing); entries already present
 * in destdir make it fail. Returns 0, or -1 with kr_err. */
int extract_archive(const char *archive, const char *destdir, const struct extract_opts *o);

#endif
