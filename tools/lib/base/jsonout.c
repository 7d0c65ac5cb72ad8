/* jsonout.c - see jsonout.h */
#include "jsonout.h"

#include <openssl/evp.h>
#include <stdlib.h>

char *json_text(json_t *j)
{
	if (!j)
		abort(); /* json_pack format mismatch: a programming error */
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!s)
		abort();
	char *out = xasprintf("%s\n", s);
	free(s);
	return out;
}

void sha1_hex(const void *data, size_t n, char out[41])
{
	unsigned char md[20];
	unsigned int len = 0;
	EVP_Digest(data, n, md, &len, EVP_sha1(), NULL);
	for (int i = 0; i < 20; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	out[40] = 0;
}
