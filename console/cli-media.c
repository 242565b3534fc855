/*
 * cli-media.c: citygrid media put|get, photos to and from the store
 * (media.c does the chunks).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "citygrid.h"

/* media put FILE: send a photo, print its hash (what steps attach). */
int
cli_media_put_run(struct client *c, const struct cli_entry *e, json_t *args,
    int json)
{
	struct client_error err;
	const char *path = jstr(args, "file");
	char sha[65];

	if (media_put_file(c, path, sha, sizeof sha, &err) != 0) {
		fprintf(stderr, "citygrid: %s\n", err.message);
		return err.exit;
	}
	if (json) {
		json_t *o = json_pack("{s:s, s:s}", "sha256", sha, "file", path);

		cli_print_json(o, 1);
		json_decref(o);
	} else
		printf("%s  %s\n", sha, path);
	return 0;
}

/* media get HASH [--output FILE]: a stored photo's bytes. */
int
cli_media_get_run(struct client *c, const struct cli_entry *e, json_t *args,
    int json)
{
	struct client_error err;
	const char *out = jstr(args, "output");
	json_t *r;
	json_int_t off = 0, size = -1;
	FILE *fp = stdout;
	guchar *raw;
	gsize n;
	int rc = 0;

	if (*out == '\0' && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "citygrid: media get: 照片是二进制数据, 请用 --output FILE"
		    " 或重定向输出\n");
		return EXIT_USAGE;
	}
	if (*out != '\0' && (fp = fopen(out, "wb")) == NULL) {
		fprintf(stderr, "citygrid: %s: 无法写入\n", out);
		return EXIT_IOERR;
	}
	while (size < 0 || off < size) {
		r = client_request(c, "media.get", json_pack("{s:s, s:I}", "sha256",
		    jstr(args, "sha256"), "offset", off), CLIENT_TIMEOUT, &err);
		if (r == NULL) {
			fprintf(stderr, "citygrid: %s\n", err.message);
			rc = err.exit;
			break;
		}
		size = jnum(r, "bytes");
		raw = g_base64_decode(jstr(r, "data"), &n);
		json_decref(r);
		if (n == 0 || off + (json_int_t)n > size ||
		    fwrite(raw, 1, n, fp) != n) {
			g_free(raw);
			fprintf(stderr, "citygrid: media get: %s\n", n == 0 ||
			    off + (json_int_t)n > size ? "服务器的数据不对" : "写入失败");
			rc = n == 0 ? EXIT_SOFTWARE : EXIT_IOERR;
			break;
		}
		g_free(raw);
		off += (json_int_t)n;
	}
	if (fp == stdout) {
		if (fflush(fp) != 0 && rc == 0)
			rc = EXIT_IOERR;
		return rc;
	}
	if (fclose(fp) != 0 && rc == 0)
		rc = EXIT_IOERR;
	if (rc != 0)
		unlink(out);
	return rc;
}
