/* oci.c - see oci.h */
#include "oci.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "layer.h"
#include "pkgtar.h"

int oci_platform(const char *krill_arch, const char **arch, const char **variant)
{
	*variant = NULL;
	if (!strcmp(krill_arch, "x86_64"))
		*arch = "amd64";
	else if (!strcmp(krill_arch, "aarch64")) {
		*arch = "arm64";
		*variant = "v8";
	} else {
		kr_err("arch '%s' has no OCI platform, expected x86_64 or aarch64", krill_arch);
		return -1;
	}
	return 0;
}

void oci_time(int64_t t, char out[21])
{
	rfc3339_format((time_t)t, out);
}

static char *dump(json_t *j)
{
	if (!j)
		abort(); /* a json_pack format mismatch: a programming error */
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!s)
		abort();
	return s;
}

json_t *oci_desc_json(const struct oci_desc *d)
{
	json_t *j = json_object();
	json_object_set_new(j, "mediaType", json_string(d->media_type));
	if (d->artifact_type)
		json_object_set_new(j, "artifactType", json_string(d->artifact_type));
	json_object_set_new(j, "digest", json_string(d->digest));
	json_object_set_new(j, "size", json_integer((json_int_t)d->size));
	if (d->arch) {
		json_t *p = json_pack("{s:s,s:s}", "architecture", d->arch, "os", "linux");
		if (d->variant)
			json_object_set_new(p, "variant", json_string(d->variant));
		json_object_set_new(j, "platform", p);
	}
	if (d->annotations && json_object_size(d->annotations))
		json_object_set(j, "annotations", d->annotations);
	return j;
}

static json_t *strarray(const struct strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; l && i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

char *oci_config_json(const struct oci_config *c)
{
	char created[21];
	oci_time(c->created, created);
	json_t *cfg = json_object();
	if (c->user)
		json_object_set_new(cfg, "User", json_string(c->user));
	if (c->env && c->env->n)
		json_object_set_new(cfg, "Env", strarray(c->env));
	if (c->entrypoint && c->entrypoint->n)
		json_object_set_new(cfg, "Entrypoint", strarray(c->entrypoint));
	if (c->cmd && c->cmd->n)
		json_object_set_new(cfg, "Cmd", strarray(c->cmd));
	if (c->work_dir)
		json_object_set_new(cfg, "WorkingDir", json_string(c->work_dir));
	if (c->labels && json_object_size(c->labels))
		json_object_set(cfg, "Labels", c->labels);
	json_t *j = json_object();
	json_object_set_new(j, "created", json_string(created));
	json_object_set_new(j, "architecture", json_string(c->arch));
	if (c->variant)
		json_object_set_new(j, "variant", json_string(c->variant));
	json_object_set_new(j, "os", json_string("linux"));
	json_object_set_new(j, "config", cfg);
	json_object_set_new(j, "rootfs",
			    json_pack("{s:s,s:[s]}", "type", "layers", "diff_ids", c->diff_id));
	json_t *h = json_pack("{s:s,s:s}", "created", created, "created_by", c->created_by);
	if (c->history_comment)
		json_object_set_new(h, "comment", json_string(c->history_comment));
	json_object_set_new(j, "history", json_pack("[o]", h));
	return dump(j);
}

char *oci_manifest_json(const struct oci_desc *config, const struct oci_desc *layers,
			size_t nlayers, const char *artifact_type, const struct oci_desc *subject,
			json_t *annotations)
{
	json_t *j = json_pack("{s:i,s:s}", "schemaVersion", 2, "mediaType", OCI_MANIFEST);
	if (artifact_type)
		json_object_set_new(j, "artifactType", json_string(artifact_type));
	json_t *cfg = oci_desc_json(config);
	if (!strcmp(config->media_type,
		    OCI_EMPTY)) /* the spec's empty descriptor carries its data */
		json_object_set_new(cfg, "data", json_string("e30="));
	json_object_set_new(j, "config", cfg);
	json_t *l = json_array();
	for (size_t i = 0; i < nlayers; i++)
		json_array_append_new(l, oci_desc_json(&layers[i]));
	json_object_set_new(j, "layers", l);
	if (subject)
		json_object_set_new(j, "subject", oci_desc_json(subject));
	if (annotations && json_object_size(annotations))
		json_object_set(j, "annotations", annotations);
	return dump(j);
}

char *oci_index_json(const struct oci_desc *m, size_t n, json_t *annotations)
{
	json_t *j = json_pack("{s:i,s:s}", "schemaVersion", 2, "mediaType", OCI_INDEX);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, oci_desc_json(&m[i]));
	json_object_set_new(j, "manifests", a);
	if (annotations && json_object_size(annotations))
		json_object_set(j, "annotations", annotations);
	return dump(j);
}

static char *blob_path(const char *dir, const char *hex)
{
	return xasprintf("%s/blobs/sha256/%s", dir, hex);
}

int oci_put_blob(const char *dir, const void *data, size_t len, struct oci_desc *d)
{
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex(data, len, hex);
	char *bdir = xasprintf("%s/blobs/sha256", dir), *p = blob_path(dir, hex);
	int rc = mkdir_p(bdir, 0755);
	if (rc == 0)
		rc = write_file_atomic(p, data, len, 0644);
	free(bdir);
	free(p);
	snprintf(d->digest, sizeof d->digest, "sha256:%s", hex);
	d->size = len;
	return rc;
}

int oci_put_file(const char *dir, const char *file, const char *sha256, uint64_t size,
		 struct oci_desc *d)
{
	char *bdir = xasprintf("%s/blobs/sha256", dir), *p = blob_path(dir, sha256);
	int rc = mkdir_p(bdir, 0755);
	if (rc == 0 && rename(file, p) < 0) {
		kr_err("%s: cannot rename to %s: %s", file, p, strerror(errno));
		rc = -1;
	}
	free(bdir);
	free(p);
	snprintf(d->digest, sizeof d->digest, "sha256:%s", sha256);
	d->size = size;
	return rc;
}

int oci_put_empty(const char *dir, struct oci_desc *d)
{
	d->media_type = OCI_EMPTY;
	return oci_put_blob(dir, "{}", 2, d);
}

int oci_write_layout(const char *dir, const struct oci_desc *m, size_t n)
{
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	char *p = path_join(dir, "oci-layout");
	int rc = write_file_atomic(p, layout, sizeof layout - 1, 0644);
	free(p);
	if (rc < 0)
		return -1;
	json_t *j = json_pack("{s:i,s:s}", "schemaVersion", 2, "mediaType", OCI_INDEX);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, oci_desc_json(&m[i]));
	json_object_set_new(j, "manifests", a);
	char *text = dump(j);
	p = path_join(dir, "index.json");
	rc = write_file_atomic(p, text, strlen(text), 0644);
	free(p);
	free(text);
	return rc;
}

int oci_tar_layout(const char *dir, const char *out, int64_t source_date_epoch)
{
	struct layer_opts o = {PKGTAR_NONE, source_date_epoch, NULL, 0};
	struct pkgtar_result res;
	return layer_write(dir, out, &o, &res);
}
