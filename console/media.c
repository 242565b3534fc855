/*
 * media.c: photos to and from citygridd's store.  A photo is sent as
 * its SHA-256, type and size, then in chunks at the offsets the store
 * answers (media.put), so a second try after a broken connection sends
 * only what is missing and a photo already stored is not sent at all.
 * The same steps serve the blocking CLI (media_put_file) and the
 * consoles' event loop (media_put_async); media_get_async reads a photo
 * back in chunks for the detail pane.  glib does SHA-256 and base64.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "console.h"

#define MEDIA_CHUNK	(384 * 1024)		/* raw bytes a request */
#define MEDIA_MAX	(32 * 1024 * 1024)	/* the store's limit */

/* The image types the store takes, by their first bytes. */
static const struct media_magic {
	const char	*mime;
	size_t		 off;
	const char	*bytes;
	size_t		 len;
} media_magic[] = {
	{ "image/jpeg", 0, "\xff\xd8\xff", 3 },
	{ "image/png", 0, "\x89PNG\r\n\x1a\n", 8 },
	{ "image/gif", 0, "GIF8", 4 },
	{ "image/webp", 8, "WEBP", 4 },
	{ "image/bmp", 0, "BM", 2 },
	{ "image/tiff", 0, "II*\0", 4 },
	{ "image/tiff", 0, "MM\0*", 4 },
};

const char *
media_sniff(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof media_magic / sizeof media_magic[0]; i++) {
		if (len >= media_magic[i].off + media_magic[i].len &&
		    memcmp(p + media_magic[i].off, media_magic[i].bytes,
		    media_magic[i].len) == 0)
			return media_magic[i].mime;
	}
	return NULL;
}

void
media_file_free(struct media_file *f)
{
	if (f == NULL)
		return;
	free(f->path);
	free(f->data);
	free(f);
}

/* Read a photo file whole: NULL with the reason in err. */
struct media_file *
media_file_read(const char *path, char *err, size_t errlen)
{
	struct media_file *f;
	struct stat st;
	FILE *fp;
	gchar *hex;

	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "照片 %s 无法打开: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size <= 0 || st.st_size > MEDIA_MAX) {
		snprintf(err, errlen, "照片 %s 须为 1 字节到 32 MiB 的普通文件", path);
		fclose(fp);
		return NULL;
	}
	f = xcalloc(1, sizeof *f);
	f->path = xstrdup(path);
	f->len = (size_t)st.st_size;
	f->data = xmalloc(f->len);
	if (fread(f->data, 1, f->len, fp) != f->len) {
		snprintf(err, errlen, "照片 %s 读取失败", path);
		goto fail;
	}
	if ((f->mime = media_sniff(f->data, f->len)) == NULL) {
		snprintf(err, errlen, "%s 不是照片 (JPEG、PNG、GIF、WebP、BMP、TIFF)", path);
		goto fail;
	}
	hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, f->data, f->len);
	snprintf(f->sha256, sizeof f->sha256, "%s", hex);
	g_free(hex);
	fclose(fp);
	return f;
fail:
	fclose(fp);
	media_file_free(f);
	return NULL;
}

/* The media.put of the chunk at have (no data at -1: only ask). */
json_t *
media_put_args(const struct media_file *f, json_int_t have)
{
	json_t *args;
	gchar *b64;
	size_t n;

	args = json_pack("{s:s, s:s, s:I}", "sha256", f->sha256, "mime", f->mime,
	    "bytes", (json_int_t)f->len);
	if (have < 0 || (size_t)have >= f->len) {
		json_object_set_new(args, "offset", json_integer(0));
		return args;
	}
	n = f->len - (size_t)have;
	if (n > MEDIA_CHUNK)
		n = MEDIA_CHUNK;
	b64 = g_base64_encode(f->data + have, n);
	json_object_set_new(args, "offset", json_integer(have));
	json_object_set_new(args, "data", json_string(b64));
	g_free(b64);
	return args;
}

/*
 * Is the photo stored, after the reply?  1 yes, 0 go on from *have,
 * -1 the reply makes no sense (the store went backwards or too far).
 */
int
media_put_step(const struct media_file *f, json_t *reply, json_int_t *have)
{
	json_int_t h = json_integer_value(json_object_get(reply, "have"));

	if (json_is_true(json_object_get(reply, "done")))
		return 1;
	if (h < 0 || (size_t)h >= f->len || (*have >= 0 && h < *have))
		return -1;
	*have = h;
	return 0;
}

/* Send a photo file on a blocking connection; its hash in sha256. */
int
media_put_file(struct client *c, const char *path, char *sha256, size_t len,
    struct client_error *err)
{
	struct media_file *f;
	json_t *reply;
	json_int_t have = -1;
	int rc;

	if ((f = media_file_read(path, err->message, sizeof err->message)) == NULL) {
		err->exit = EXIT_NOINPUT;
		err->code[0] = '\0';
		return -1;
	}
	for (;;) {
		reply = client_request(c, "media.put", media_put_args(f, have),
		    CLIENT_TIMEOUT, err);
		if (reply == NULL) {
			rc = -1;
			break;
		}
		rc = media_put_step(f, reply, &have);
		json_decref(reply);
		if (rc != 0)
			break;
	}
	if (rc < 0 && reply != NULL) {
		snprintf(err->message, sizeof err->message, "照片 %s: 服务器的回答不对", path);
		err->exit = EXIT_SOFTWARE;
	}
	if (rc > 0)
		snprintf(sha256, len, "%s", f->sha256);
	media_file_free(f);
	return rc > 0 ? 0 : -1;
}

/* Is the word a photo's hash rather than a file? */
int
media_is_hash(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* Files among the values of args' key are sent; their hashes replace them. */
int
media_args_upload(struct client *c, json_t *args, const char *key,
    struct client_error *err)
{
	json_t *list = json_object_get(args, key), *v;
	char sha[65];
	size_t i;

	json_array_foreach(list, i, v) {
		if (!json_is_string(v) || media_is_hash(json_string_value(v)))
			continue;
		if (media_put_file(c, json_string_value(v), sha, sizeof sha, err) != 0)
			return -1;
		json_array_set_new(list, i, json_string(sha));
	}
	return 0;
}

/* Sending photo files on the console's connection, one chunk a reply. */
struct media_up {
	struct conn		*conn;
	char			**paths;
	size_t			 n, i;
	struct media_file	*f;
	json_int_t		 have;
	json_t			*hashes;
	media_put_cb		 cb;
	void			*arg;
};

static void	media_up_next(struct media_up *);

static void
media_up_end(struct media_up *u, const char *error)
{
	size_t i;

	u->cb(error == NULL ? u->hashes : NULL, error, u->arg);
	for (i = 0; i < u->n; i++)
		free(u->paths[i]);
	free(u->paths);
	media_file_free(u->f);
	json_decref(u->hashes);
	free(u);
}

static void
media_up_reply(json_t *result, const struct conn_error *err, void *arg)
{
	struct media_up *u = arg;
	char why[1024 + 256];
	int rc;

	if (result == NULL) {
		snprintf(why, sizeof why, "照片 %s: %s", u->f->path, err->message);
		media_up_end(u, why);
		return;
	}
	if ((rc = media_put_step(u->f, result, &u->have)) < 0) {
		snprintf(why, sizeof why, "照片 %s: 服务器的回答不对", u->f->path);
		media_up_end(u, why);
		return;
	}
	if (rc > 0) {
		json_array_append_new(u->hashes, json_string(u->f->sha256));
		media_file_free(u->f);
		u->f = NULL;
		u->i++;
	}
	media_up_next(u);
}

static void
media_up_next(struct media_up *u)
{
	char why[512];

	while (u->f == NULL && u->i < u->n && media_is_hash(u->paths[u->i]))
		json_array_append_new(u->hashes, json_string(u->paths[u->i++]));
	if (u->f == NULL) {
		if (u->i == u->n) {
			media_up_end(u, NULL);
			return;
		}
		if ((u->f = media_file_read(u->paths[u->i], why, sizeof why)) == NULL) {
			media_up_end(u, why);
			return;
		}
		u->have = -1;
	}
	if (conn_request(u->conn, "media.put", media_put_args(u->f, u->have),
	    media_up_reply, u) != 0)
		media_up_end(u, "未连接 citygridd, 照片未发出");
}

/*
 * Send the photo files of a list (hashes in it pass as they are); cb
 * gets the hashes in order, or NULL and why.  cb may be called before
 * this returns.
 */
void
media_put_async(struct conn *conn, json_t *files, media_put_cb cb, void *arg)
{
	struct media_up *u = xcalloc(1, sizeof *u);
	json_t *v;
	size_t i;

	u->conn = conn;
	u->cb = cb;
	u->arg = arg;
	u->hashes = json_array();
	json_array_foreach(files, i, v) {
		if (!json_is_string(v))
			continue;
		u->paths = xreallocarray(u->paths, u->n + 1, sizeof *u->paths);
		u->paths[u->n++] = xstrdup(json_string_value(v));
	}
	media_up_next(u);
}

/* Reading a stored photo back, chunk by chunk. */
struct media_down {
	struct conn	*conn;
	char		 sha256[65];
	unsigned char	*data;
	size_t		 len, size;
	char		 mime[64];
	media_get_cb	 cb;
	void		*arg;
};

static void
media_down_end(struct media_down *d, const char *error)
{
	d->cb(error == NULL ? d->data : NULL, d->len, d->mime, error, d->arg);
	free(d->data);
	free(d);
}

static void
media_down_reply(json_t *result, const struct conn_error *err, void *arg)
{
	struct media_down *d = arg;
	json_int_t size = json_integer_value(json_object_get(result, "bytes"));
	const char *b64 = jstr(result, "data");
	guchar *raw;
	gsize n;

	if (result == NULL) {
		media_down_end(d, err->message);
		return;
	}
	if (d->data == NULL) {
		if (size <= 0 || size > MEDIA_MAX) {
			media_down_end(d, "照片大小不对");
			return;
		}
		d->size = (size_t)size;
		d->data = xmalloc(d->size);
		snprintf(d->mime, sizeof d->mime, "%s", jstr(result, "mime"));
	}
	raw = g_base64_decode(b64, &n);
	if (n == 0 || n > d->size - d->len) {
		g_free(raw);
		media_down_end(d, "照片数据不对");
		return;
	}
	memcpy(d->data + d->len, raw, n);
	d->len += n;
	g_free(raw);
	if (d->len == d->size) {
		media_down_end(d, NULL);
		return;
	}
	if (conn_request(d->conn, "media.get", json_pack("{s:s, s:I, s:i}", "sha256",
	    d->sha256, "offset", (json_int_t)d->len, "length", MEDIA_CHUNK),
	    media_down_reply, d) != 0)
		media_down_end(d, "未连接 citygridd");
}

/* Read the photo; cb gets its bytes (owned by the caller of cb only during it). */
void
media_get_async(struct conn *conn, const char *sha256, media_get_cb cb, void *arg)
{
	struct media_down *d = xcalloc(1, sizeof *d);

	d->conn = conn;
	d->cb = cb;
	d->arg = arg;
	snprintf(d->sha256, sizeof d->sha256, "%s", sha256);
	if (conn_request(conn, "media.get", json_pack("{s:s, s:i, s:i}", "sha256",
	    sha256, "offset", 0, "length", MEDIA_CHUNK), media_down_reply, d) != 0)
		media_down_end(d, "未连接 citygridd");
}
