/*
 * cli-base.c: citygrid grid|component|address import and export, and
 * the printing of base-data histories and edits.
 *
 * Files are read and written by GDAL's ogr2ogr, never parsed here: an
 * import has ogr2ogr turn the file (GeoJSON, Shapefile, CSV or anything
 * else GDAL reads) into GeoJSON features, one a line, in a temporary
 * directory; they go to the daemon in batches well under the 1 MiB
 * frame limit (import.rows), and import.finish validates, reports and
 * applies them in one transaction.  An export pages the layer out of
 * the daemon (export.page) into GeoJSON lines and has ogr2ogr write the
 * format asked for.  See citygrid-data(7), IMPORT AND EXPORT.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "citygrid.h"

#define BASE_BATCH_BYTES	(384 * 1024)	/* features per import.rows, by size */
#define BASE_BATCH_MAX		1000		/* and by count */
#define BASE_FEATURE_MAX	(640 * 1024)	/* one feature must fit a frame */
#define BASE_FINISH_TIMEOUT	(30 * 60 * 1000)	/* validation of a big file */

static const char *const base_names[][2] = {
	{ "grid", "网格" }, { "component", "部件" }, { "address", "地址" },
};

static const char *
base_name(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof base_names / sizeof base_names[0]; i++) {
		if (strcmp(base_names[i][0], kind) == 0)
			return base_names[i][1];
	}
	return kind;
}

struct base_tmp {
	char	 dir[256];
	int	 files;		/* dir/in-N.geojsonl, dir/err */
};

static int
base_tmp_open(struct base_tmp *t)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(t->dir, sizeof t->dir, "%s/citygrid-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	t->files = 0;
	if (mkdtemp(t->dir) == NULL) {
		fprintf(stderr, "citygrid: 临时目录 %s: %s\n", t->dir, strerror(errno));
		return -1;
	}
	return 0;
}

static void
base_tmp_close(struct base_tmp *t)
{
	char cmd[300];
	pid_t pid;

	snprintf(cmd, sizeof cmd, "%s", t->dir);
	if ((pid = fork()) == 0) {
		execlp("rm", "rm", "-rf", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* The first lines a GDAL tool wrote to its output (ogrinfo's FAILURE). */
static void
base_gdal_head(const char *out)
{
	char line[512];
	FILE *f;
	int i;

	if (out == NULL || (f = fopen(out, "r")) == NULL)
		return;
	for (i = 0; i < 2 && fgets(line, sizeof line, f) != NULL; i++)
		fputs(line, stderr);
	fclose(f);
}

/*
 * Run a GDAL tool with its stderr kept in dir/err; 0, or -1 with what
 * it said written to stderr.
 */
static int
base_gdal(struct base_tmp *t, char *const argv[], const char *out)
{
	char errpath[300], buf[4096];
	int status, fd;
	ssize_t n;
	pid_t pid;

	snprintf(errpath, sizeof errpath, "%s/err", t->dir);
	if ((pid = fork()) < 0) {
		fprintf(stderr, "citygrid: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if ((fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0) {
			dup2(fd, 2);
			close(fd);
		}
		if ((fd = open(out != NULL ? out : "/dev/null", O_WRONLY | O_CREAT |
		    O_TRUNC, 0600)) >= 0) {
			dup2(fd, 1);
			close(fd);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
			fprintf(stderr, "citygrid: 需要 GDAL 的 %s (Debian: apt-get install"
			    " gdal-bin)\n", argv[0]);
			return -1;
		}
		fprintf(stderr, "citygrid: %s 失败:\n", argv[0]);
		if ((fd = open(errpath, O_RDONLY)) >= 0) {
			while ((n = read(fd, buf, sizeof buf)) > 0)
				fwrite(buf, 1, (size_t)n, stderr);
			close(fd);
		}
		base_gdal_head(out);
		return -1;
	}
	return 0;
}

/* The layers of a source, from ogrinfo; NULL if it cannot say. */
static json_t *
base_layers(struct base_tmp *t, const char *src)
{
	char out[300], line[1024], *p, *end;
	char *argv[] = { "ogrinfo", "-ro", "-q", (char *)src, NULL };
	json_t *layers;
	FILE *f;

	snprintf(out, sizeof out, "%s/layers", t->dir);
	if (base_gdal(t, argv, out) != 0)
		return NULL;
	if ((f = fopen(out, "r")) == NULL)
		return NULL;
	layers = json_array();
	while (fgets(line, sizeof line, f) != NULL) {
		/* "1: name (Point)" */
		strtol(line, &end, 10);
		if (end == line || strncmp(end, ": ", 2) != 0)
			continue;
		p = end + 2;
		p[strcspn(p, "\n")] = '\0';
		if ((end = strstr(p, " (")) != NULL)
			*end = '\0';
		json_array_append_new(layers, json_string(p));
	}
	fclose(f);
	return layers;
}

static int
base_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/*
 * ogr2ogr the source (one layer, or all) to GeoJSON lines in
 * dir/in-N.geojsonl; lon/lat/wkt entries of the map name a CSV's
 * coordinate or WKT columns.  0 or -1.
 */
static int
base_normalize(struct base_tmp *t, const char *src, json_t *args, json_t *map)
{
	const char *layer = json_string_value(json_object_get(args, "layer"));
	const char *srs = json_string_value(json_object_get(args, "srs"));
	char *argv[32], out[300], xs[200], ys[200], gs[200];
	json_t *layers;
	size_t i;
	int a, csv = base_has_suffix(src, ".csv"), rc = 0;

	if (access(src, R_OK) != 0) {
		fprintf(stderr, "citygrid: %s: %s\n", src, strerror(errno));
		return -1;
	}
	if (layer != NULL) {
		layers = json_array();
		json_array_append_new(layers, json_string(layer));
	} else if ((layers = base_layers(t, src)) == NULL)
		return -1;
	if (json_array_size(layers) == 0) {
		fprintf(stderr, "citygrid: %s: 没有图层\n", src);
		json_decref(layers);
		return -1;
	}
	snprintf(xs, sizeof xs, "X_POSSIBLE_NAMES=%s", json_object_get(map, "lon") ?
	    json_string_value(json_object_get(map, "lon")) : "lon,longitude,x,经度");
	snprintf(ys, sizeof ys, "Y_POSSIBLE_NAMES=%s", json_object_get(map, "lat") ?
	    json_string_value(json_object_get(map, "lat")) : "lat,latitude,y,纬度");
	snprintf(gs, sizeof gs, "GEOM_POSSIBLE_NAMES=%s", json_object_get(map, "wkt") ?
	    json_string_value(json_object_get(map, "wkt")) : "WKT,wkt,geom,geometry");
	for (i = 0; i < json_array_size(layers) && rc == 0; i++) {
		snprintf(out, sizeof out, "%s/in-%d.geojsonl", t->dir, t->files++);
		a = 0;
		argv[a++] = "ogr2ogr";
		argv[a++] = "-f";
		argv[a++] = "GeoJSONSeq";
		argv[a++] = "-lco";
		argv[a++] = "COORDINATE_PRECISION=15";
		argv[a++] = "-dim";
		argv[a++] = "XY";
		if (srs != NULL) {
			argv[a++] = "-s_srs";
			argv[a++] = (char *)srs;
			argv[a++] = "-t_srs";
			argv[a++] = "OGC:CRS84";
		} else if (csv) {
			argv[a++] = "-a_srs";
			argv[a++] = "EPSG:4490";
		}
		if (csv) {
			argv[a++] = "-oo";
			argv[a++] = xs;
			argv[a++] = "-oo";
			argv[a++] = ys;
			argv[a++] = "-oo";
			argv[a++] = gs;
			argv[a++] = "-oo";
			argv[a++] = "KEEP_GEOM_COLUMNS=NO";
		}
		argv[a++] = out;
		argv[a++] = (char *)src;
		argv[a++] = (char *)json_string_value(json_array_get(layers, i));
		argv[a] = NULL;
		rc = base_gdal(t, argv, NULL);
	}
	json_decref(layers);
	return rc;
}

/* A progress bar on a tty, else a line every tenth. */
struct base_progress {
	const char	*what;
	long		 total;
	int		 tty;
	int		 last;
};

static void
base_progress(struct base_progress *p, long done)
{
	int width = 30, fill, tenth;
	char bar[64];

	if (p->tty) {
		fill = p->total > 0 ? (int)(done * width / p->total) : width;
		memset(bar, '#', (size_t)fill);
		memset(bar + fill, '.', (size_t)(width - fill));
		bar[width] = '\0';
		fprintf(stderr, "\r%s [%s] %ld/%ld", p->what, bar, done, p->total);
		if (done >= p->total)
			fputc('\n', stderr);
		fflush(stderr);
		return;
	}
	tenth = p->total > 0 ? (int)(done * 10 / p->total) : 10;
	if (tenth > p->last || done == p->total) {
		p->last = tenth;
		fprintf(stderr, "%s: %ld/%ld\n", p->what, done, p->total);
	}
}

static long
base_count_lines(struct base_tmp *t)
{
	char path[300];
	long n = 0;
	FILE *f;
	int i, ch, prev;

	for (i = 0; i < t->files; i++) {
		snprintf(path, sizeof path, "%s/in-%d.geojsonl", t->dir, i);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		prev = '\n';
		while ((ch = getc(f)) != EOF) {
			if (ch == '\n' && prev != '\n')
				n++;
			prev = ch;
		}
		if (prev != '\n')
			n++;
		fclose(f);
	}
	return n;
}

/* --map a=b,c=d into {"a": "b", "c": "d"}; NULL after a usage error. */
static json_t *
base_map(json_t *args)
{
	json_t *list = json_object_get(args, "map"), *map = json_object(), *v;
	const char *s, *eq;
	char key[64];
	size_t i;

	json_array_foreach(list, i, v) {
		s = json_string_value(v);
		if ((eq = strchr(s, '=')) == NULL || eq == s || eq[1] == '\0') {
			fprintf(stderr, "citygrid: --map 须为 目标字段=文件中的字段, 如"
			    " code=GRIDCODE: %s\n", s);
			json_decref(map);
			return NULL;
		}
		snprintf(key, sizeof key, "%.*s", (int)(eq - s), s);
		json_object_set_new(map, key, json_string(eq + 1));
	}
	return map;
}

/* Send the staged lines in batches. */
static int
base_upload(struct client *c, struct base_tmp *t, json_int_t session, long total,
    const char *kind)
{
	struct client_error err;
	struct base_progress p = { "上传", total, isatty(2), -1 };
	char path[300], *line = NULL, what[64];
	size_t cap = 0, bytes = 0;
	ssize_t len;
	json_t *batch = json_array(), *f, *res;
	json_error_t jerr;
	long n = 0, first = 1;
	int i, rc = 0;
	FILE *in;

	snprintf(what, sizeof what, "上传%s", base_name(kind));
	p.what = what;
	for (i = 0; i < t->files && rc == 0; i++) {
		snprintf(path, sizeof path, "%s/in-%d.geojsonl", t->dir, i);
		if ((in = fopen(path, "r")) == NULL) {
			fprintf(stderr, "citygrid: %s: %s\n", path, strerror(errno));
			rc = EXIT_NOINPUT;
			break;
		}
		while (rc == 0 && (len = getline(&line, &cap, in)) > 0) {
			if (len <= 1)
				continue;
			n++;
			if (len > BASE_FEATURE_MAX) {
				fprintf(stderr, "citygrid: 要素 %ld 有 %zd 字节, 超过 %d 字节,"
				    " 无法上传 (请先简化或拆分它)\n", n, len, BASE_FEATURE_MAX);
				rc = EXIT_DATAERR;
				break;
			}
			if ((f = json_loadb(line, (size_t)len, 0, &jerr)) == NULL) {
				fprintf(stderr, "citygrid: 要素 %ld: ogr2ogr 的输出无法读取: %s\n",
				    n, jerr.text);
				rc = EXIT_DATAERR;
				break;
			}
			if (bytes + (size_t)len > BASE_BATCH_BYTES ||
			    json_array_size(batch) >= BASE_BATCH_MAX) {
				res = client_request(c, "import.rows", json_pack("{s:I, s:I, s:O}",
				    "session", session, "first", (json_int_t)first, "features", batch),
				    CLIENT_TIMEOUT, &err);
				if (res == NULL) {
					fprintf(stderr, "citygrid: %s\n", err.message);
					rc = err.exit;
					json_decref(f);
					break;
				}
				json_decref(res);
				first += (long)json_array_size(batch);
				base_progress(&p, first - 1);
				json_array_clear(batch);
				bytes = 0;
			}
			json_array_append_new(batch, f);
			bytes += (size_t)len;
		}
		fclose(in);
	}
	if (rc == 0 && json_array_size(batch) > 0) {
		res = client_request(c, "import.rows", json_pack("{s:I, s:I, s:O}",
		    "session", session, "first", (json_int_t)first, "features", batch),
		    CLIENT_TIMEOUT, &err);
		if (res == NULL) {
			fprintf(stderr, "citygrid: %s\n", err.message);
			rc = err.exit;
		} else {
			json_decref(res);
			base_progress(&p, first - 1 + (long)json_array_size(batch));
		}
	}
	free(line);
	json_decref(batch);
	return rc;
}

static void
base_print_list(const char *title, json_t *list)
{
	json_t *v;
	size_t i;

	if (json_array_size(list) == 0)
		return;
	printf("%s:", title);
	json_array_foreach(list, i, v) {
		if (json_is_string(v))
			printf(" %s", json_string_value(v));
		else if (json_is_object(v) && json_is_array(json_object_get(v, "fields"))) {
			json_t *fv;
			size_t j;

			printf(" %s (", jstr(v, "key"));
			json_array_foreach(json_object_get(v, "fields"), j, fv)
				printf("%s%s", j ? ", " : "", json_string_value(fv));
			printf(")");
		}
	}
	printf("\n");
}

static void
base_print_problems(const char *title, json_t *list, json_int_t total)
{
	json_t *v;
	size_t i;

	if (total == 0)
		return;
	printf("%s %lld 处%s:\n", title, (long long)total,
	    (size_t)total > json_array_size(list) ? " (列出前 20 处)" : "");
	json_array_foreach(list, i, v) {
		if (json_is_integer(json_object_get(v, "n")))
			printf("  要素 %lld%s%s%s: %s\n", (long long)jnum(v, "n"),
			    *jstr(v, "key") ? " (" : "", jstr(v, "key"),
			    *jstr(v, "key") ? ")" : "", jstr(v, "message"));
		else
			printf("  %s\n", jstr(v, "message"));
	}
}

/* The report of import.finish, for people. */
void
cli_base_import_print(json_t *r)
{
	json_t *ex = json_object_get(r, "examples"), *moved = json_object_get(r, "moved"), *v;
	const char *name = base_name(jstr(r, "kind"));
	size_t i;

	printf("导入%s%s: 要素 %lld: 新增 %lld, 变更 %lld, 不变 %lld, 撤销 %lld, 修复 %lld\n",
	    name, json_is_true(json_object_get(r, "applied")) ? " (已导入)" :
	    json_is_true(json_object_get(r, "dry_run")) ? " (试运行, 未做改动)" :
	    " (被拒绝, 未做任何改动)",
	    (long long)jnum(r, "features"), (long long)jnum(r, "added"),
	    (long long)jnum(r, "changed"), (long long)jnum(r, "unchanged"),
	    (long long)jnum(r, "retired"), (long long)jnum(r, "repaired"));
	base_print_list("新增", json_object_get(ex, "added"));
	base_print_list("变更", json_object_get(ex, "changed"));
	base_print_list("撤销", json_object_get(ex, "retired"));
	json_array_foreach(json_object_get(r, "repair_list"), i, v)
		printf("修复: 要素 %lld (%s): %s\n", (long long)jnum(v, "n"), jstr(v, "key"),
		    jstr(v, "reason"));
	if (json_is_object(moved))
		printf("随之调整: 部件 %lld, 案卷 %lld, 地址 %lld, 监督员负责的网格 %lld\n",
		    (long long)jnum(moved, "components"), (long long)jnum(moved, "cases"),
		    (long long)jnum(moved, "addresses"), (long long)jnum(moved, "collectors"));
	base_print_problems("错误", json_object_get(r, "error_list"), jnum(r, "errors"));
	base_print_problems("警告", json_object_get(r, "warning_list"), jnum(r, "warnings"));
}

static int
base_abort(struct client *c, json_int_t session)
{
	struct client_error err;
	json_t *res;

	res = client_request(c, "import.abort", json_pack("{s:I}", "session", session),
	    CLIENT_TIMEOUT, &err);
	json_decref(res);
	return 0;
}

/* citygrid KIND import FILE ... */
int
cli_base_import_run(struct client *c, const struct cli_entry *e, json_t *args, int json)
{
	struct client_error err;
	struct base_tmp t;
	const char *file = json_string_value(json_object_get(args, "file"));
	json_t *map, *begin, *res, *v;
	json_int_t session;
	long total;
	int rc;
	const char *k;

	if ((map = base_map(args)) == NULL)
		return EXIT_USAGE;
	if (base_tmp_open(&t) != 0) {
		json_decref(map);
		return EXIT_IOERR;
	}
	if (base_normalize(&t, file, args, map) != 0) {
		rc = EXIT_DATAERR;
		goto out;
	}
	total = base_count_lines(&t);
	begin = json_pack("{s:s, s:O}", "kind", e->noun, "map", map);
	/* lon, lat and wkt name columns for ogr2ogr, not fields */
	json_object_del(json_object_get(begin, "map"), "lon");
	json_object_del(json_object_get(begin, "map"), "lat");
	json_object_del(json_object_get(begin, "map"), "wkt");
	json_object_foreach(args, k, v) {
		if (strcmp(k, "retire_missing") == 0 || strcmp(k, "repair") == 0 ||
		    strcmp(k, "allow_gaps") == 0 || strcmp(k, "within") == 0 ||
		    strcmp(k, "reason") == 0)
			json_object_set(begin, k, v);
	}
	if ((res = client_request(c, "import.begin", begin, CLIENT_TIMEOUT, &err)) == NULL) {
		fprintf(stderr, "citygrid: %s\n", err.message);
		rc = err.exit;
		goto out;
	}
	session = json_integer_value(res);
	json_decref(res);
	if ((rc = base_upload(c, &t, session, total, e->noun)) != 0) {
		base_abort(c, session);
		goto out;
	}
	if (isatty(2))
		fprintf(stderr, "校验%s...\n", json_is_true(json_object_get(args, "dry_run")) ?
		    "" : "并导入");
	res = client_request(c, "import.finish", json_pack("{s:I, s:b}", "session", session,
	    "dry_run", json_is_true(json_object_get(args, "dry_run"))),
	    BASE_FINISH_TIMEOUT, &err);
	if (res == NULL) {
		fprintf(stderr, "citygrid: %s\n", err.message);
		base_abort(c, session);
		rc = err.exit;
		goto out;
	}
	if (!json_is_true(json_object_get(res, "applied")))
		base_abort(c, session);	/* a dry run or a refusal: drop the staging */
	if (json)
		cli_print_json(res, 1);
	else
		cli_base_import_print(res);
	rc = jnum(res, "errors") > 0 ? EXIT_DATAERR : 0;
	json_decref(res);
out:
	json_decref(map);
	base_tmp_close(&t);
	return rc;
}

/* The format for a file name: --format, else by its extension. */
static const char *
base_driver(json_t *args, const char *file)
{
	const char *f = json_string_value(json_object_get(args, "format"));
	struct stat st;

	if (f == NULL) {
		if (base_has_suffix(file, ".csv"))
			f = "csv";
		else if (base_has_suffix(file, ".shp") ||
		    (stat(file, &st) == 0 && S_ISDIR(st.st_mode)))
			f = "shp";
		else
			f = "geojson";
	}
	if (strcmp(f, "csv") == 0)
		return "CSV";
	if (strcmp(f, "shp") == 0)
		return "ESRI Shapefile";
	return "GeoJSON";
}

/* Geometry families, for shapefiles (one type a layer). */
static const char *
base_family(json_t *feature)
{
	const char *type = jstr(json_object_get(feature, "geometry"), "type");

	if (strstr(type, "Point") != NULL)
		return "point";
	if (strstr(type, "LineString") != NULL)
		return "line";
	return "polygon";
}

/* Page the layer into dir/out-FAMILY.geojsonl; the number of features. */
static long
base_fetch(struct client *c, struct base_tmp *t, json_t *args, const char *kind,
    int split, int *families, int *rc)
{
	static const char *const fam[] = { "point", "line", "polygon" };
	struct client_error err;
	struct base_progress p = { "导出", 0, isatty(2), -1 };
	json_t *req, *res, *f, *next = NULL;
	FILE *out[3] = { NULL, NULL, NULL };
	char path[300], *line;
	long n = 0;
	size_t i;
	int k;

	*families = 0;
	for (;;) {
		req = json_pack("{s:s, s:i}", "kind", kind, "limit", 1000);
		if (json_object_get(args, "within"))
			json_object_set(req, "within", json_object_get(args, "within"));
		if (json_is_true(json_object_get(args, "retired")))
			json_object_set_new(req, "retired", json_true());
		if (next != NULL)
			json_object_set(req, "after", next);
		if ((res = client_request(c, "export.page", req, CLIENT_TIMEOUT, &err)) == NULL) {
			fprintf(stderr, "citygrid: %s\n", err.message);
			*rc = err.exit;
			break;
		}
		if (jnum(res, "count") == 0) {
			json_decref(res);
			break;
		}
		json_array_foreach(json_object_get(res, "features"), i, f) {
			k = strcmp(base_family(f), "point") == 0 ? 0 :
			    strcmp(base_family(f), "line") == 0 ? 1 : 2;
			if (!split)
				k = 0;
			if (out[k] == NULL) {
				snprintf(path, sizeof path, "%s/out-%s.geojsonl", t->dir,
				    split ? fam[k] : "all");
				if ((out[k] = fopen(path, "w")) == NULL) {
					fprintf(stderr, "citygrid: %s: %s\n", path, strerror(errno));
					*rc = EXIT_IOERR;
					break;
				}
				*families |= 1 << k;
			}
			line = json_dumps(f, JSON_COMPACT);
			fprintf(out[k], "%s\n", line);
			free(line);
			n++;
		}
		json_decref(next);
		next = json_incref(json_object_get(res, "next"));
		json_decref(res);
		p.total = n;
		if (p.tty)
			fprintf(stderr, "\r导出 %ld", n);
		if (*rc != 0)
			break;
	}
	if (p.tty && n > 0)
		fputc('\n', stderr);
	json_decref(next);
	for (k = 0; k < 3; k++) {
		if (out[k] != NULL && fclose(out[k]) != 0 && *rc == 0) {
			fprintf(stderr, "citygrid: 临时文件: %s\n", strerror(errno));
			*rc = EXIT_IOERR;
		}
	}
	return n;
}

/* ogr2ogr one staged file to dst. */
static int
base_write(struct base_tmp *t, const char *driver, const char *src, const char *dst,
    const char *layer, int points)
{
	char *argv[24];
	int a = 0;

	argv[a++] = "ogr2ogr";
	argv[a++] = "-f";
	argv[a++] = (char *)driver;
	argv[a++] = "-a_srs";
	argv[a++] = "EPSG:4490";
	argv[a++] = "-nln";
	argv[a++] = (char *)layer;
	if (strcmp(driver, "CSV") == 0) {
		argv[a++] = "-lco";
		argv[a++] = "GEOMETRY=AS_WKT";
	} else if (strcmp(driver, "GeoJSON") == 0) {
		argv[a++] = "-lco";
		argv[a++] = "COORDINATE_PRECISION=15";
	} else {
		argv[a++] = "-overwrite";	/* a layer of an earlier export */
		argv[a++] = "-lco";
		argv[a++] = "ENCODING=UTF-8";
		if (!points) {
			argv[a++] = "-nlt";
			argv[a++] = "PROMOTE_TO_MULTI";
		}
	}
	argv[a++] = (char *)dst;
	argv[a++] = (char *)src;
	argv[a] = NULL;
	return base_gdal(t, argv, NULL);
}

/*
 * Where one family of a shapefile export goes: FILE.shp itself if it is
 * the only one, else FILE_point.shp and so on; a directory gets layers
 * KIND, or KIND_point and so on.  Owned by the caller.
 */
static void
base_shp_target(const char *file, const char *kind, const char *fam, int nfam,
    char **dst, char **layer)
{
	int shp = base_has_suffix(file, ".shp");
	const char *slash = strrchr(file, '/');
	const char *name = slash != NULL ? slash + 1 : file;
	int dir = (int)(name - file), base = (int)strlen(name) - 4;

	if (shp && nfam == 1) {
		*dst = xstrdup(file);
		xasprintf(layer, "%.*s", base, name);
	} else if (shp) {
		xasprintf(dst, "%.*s%.*s_%s.shp", dir, file, base, name, fam);
		xasprintf(layer, "%.*s_%s", base, name, fam);
	} else {
		*dst = xstrdup(file);
		if (nfam == 1)
			*layer = xstrdup(kind);
		else
			xasprintf(layer, "%s_%s", kind, fam);
	}
}

/* A directory's layers of an earlier export of this kind go first. */
static void
base_shp_clear(const char *dir, const char *kind)
{
	static const char *const layers[] = { "", "_point", "_line", "_polygon" };
	static const char *const exts[] = { "shp", "shx", "dbf", "prj", "cpg" };
	struct stat st;
	char *path;
	size_t i, j;

	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	for (i = 0; i < sizeof layers / sizeof layers[0]; i++) {
		for (j = 0; j < sizeof exts / sizeof exts[0]; j++) {
			xasprintf(&path, "%s/%s%s.%s", dir, kind, layers[i], exts[j]);
			unlink(path);
			free(path);
		}
	}
}

/* citygrid KIND export FILE ... */
int
cli_base_export_run(struct client *c, const struct cli_entry *e, json_t *args, int json)
{
	static const char *const fam[] = { "point", "line", "polygon" };
	struct base_tmp t;
	const char *file = json_string_value(json_object_get(args, "file"));
	const char *driver = base_driver(args, file);
	int shp = strcmp(driver, "ESRI Shapefile") == 0, families, k, nfam = 0, rc = 0;
	char src[300], *dst, *layer;
	struct stat st;
	long n;

	if (base_tmp_open(&t) != 0)
		return EXIT_IOERR;
	n = base_fetch(c, &t, args, e->noun, shp, &families, &rc);
	if (rc != 0)
		goto out;
	if (n == 0) {
		printf("没有可导出的%s, 没有写文件\n", base_name(e->noun));
		goto out;
	}
	for (k = 0; k < 3; k++)
		nfam += (families >> k) & 1;
	if (shp && !base_has_suffix(file, ".shp"))
		base_shp_clear(file, e->noun);
	for (k = 0; k < 3 && rc == 0; k++) {
		if (shp && !((families >> k) & 1))
			continue;
		snprintf(src, sizeof src, "%s/out-%s.geojsonl", t.dir, shp ? fam[k] : "all");
		if (shp)
			base_shp_target(file, e->noun, fam[k], nfam, &dst, &layer);
		else {
			dst = xstrdup(file);
			layer = xstrdup(e->noun);
		}
		if (stat(dst, &st) == 0 && S_ISREG(st.st_mode))
			unlink(dst);
		rc = base_write(&t, driver, src, dst, layer, shp && k == 0) == 0 ? 0 : EXIT_IOERR;
		if (rc == 0 && !json)
			printf("%s%s%s\n", dst, base_has_suffix(dst, ".shp") || !shp ?
			    "" : ": 图层 ", base_has_suffix(dst, ".shp") || !shp ? "" : layer);
		free(dst);
		free(layer);
		if (!shp)
			break;
	}
	if (rc == 0 && !json)
		printf("导出%s %ld 个\n", base_name(e->noun), n);
	else if (rc == 0)
		printf("{\"kind\": \"%s\", \"features\": %ld}\n", e->noun, n);
out:
	base_tmp_close(&t);
	return rc;
}

/* A component's history, newest last. */
void
cli_component_history_print(json_t *r)
{
	static const struct cli_col cols[] = {
		{ "revision", "版本", FMT_TEXT, 0 },
		{ "at", "时间", FMT_TEXT, 0 },
		{ "change", "变更", FMT_LABEL, 0 },
		{ "actor", "操作人", FMT_TEXT, 12 },
		{ "grid", "网格", FMT_TEXT, 0 },
		{ "lon", "经度", FMT_TEXT, 0 },
		{ "lat", "纬度", FMT_TEXT, 0 },
		{ "status", "状态", FMT_TEXT, 0 },
		{ "dept_main", "主管", FMT_TEXT, 0 },
		{ "dept_owner", "权属", FMT_TEXT, 0 },
		{ "dept_maint", "养护", FMT_TEXT, 0 },
		{ "cases", "案卷", FMT_LIST, 40 },
		{ "reason", "原因", FMT_TEXT, 30 },
		{ NULL, NULL, 0, 0 }
	};

	printf("部件 %s %s (%s %s)  版本 %lld  网格 %s  %s%s%s\n", jstr(r, "id"), jstr(r, "name"),
	    jstr(r, "class_code"), jstr(r, "class_name"), (long long)jnum(r, "revision"),
	    jstr(r, "grid"), jstr(r, "status"), *jstr(r, "retired_at") ? "  撤销于 " : "",
	    jstr(r, "retired_at"));
	cli_print_table(json_object_get(r, "history"), cols);
}

void
cli_grid_history_print(json_t *r)
{
	static const struct cli_col cols[] = {
		{ "revision", "版本", FMT_TEXT, 0 },
		{ "at", "时间", FMT_TEXT, 0 },
		{ "change", "变更", FMT_LABEL, 0 },
		{ "actor", "操作人", FMT_TEXT, 12 },
		{ "area_m2", "面积 m²", FMT_TEXT, 0 },
		{ "area_class", "等级", FMT_TEXT, 0 },
		{ "termination_date", "终止", FMT_TEXT, 0 },
		{ "reason", "原因", FMT_TEXT, 30 },
		{ NULL, NULL, 0, 0 }
	};
	json_t *v;
	size_t i;

	printf("网格 %s  社区 %s  %s  等级 %s  面积 %.1f m²  版本 %lld\n", jstr(r, "code"),
	    jstr(r, "community"), json_is_true(json_object_get(r, "in_force")) ? "在用" :
	    "已撤销", jstr(r, "area_class"), json_number_value(json_object_get(r, "area_m2")),
	    (long long)jnum(r, "revision"));
	cli_print_table(json_object_get(r, "history"), cols);
	json_array_foreach(json_object_get(r, "changes"), i, v) {
		char *old = cli_print_cell(json_object_get(v, "old"), FMT_LIST);
		char *new = cli_print_cell(json_object_get(v, "new"), FMT_LIST);

		printf("%s %s %s: %s -> %s  %s\n", jstr(v, "at"), cli_print_label(jstr(v, "kind")),
		    jstr(v, "actor"), old, new, jstr(v, "reason"));
		free(old);
		free(new);
	}
}

/* The result of grid split and merge. */
void
cli_grid_edit_print(json_t *r)
{
	static const struct cli_col cols[] = {
		{ "code", "新网格", FMT_TEXT, 0 },
		{ "area_m2", "面积 m²", FMT_TEXT, 0 },
		{ "area_class", "等级", FMT_TEXT, 0 },
		{ "collectors", "监督员", FMT_LIST, 30 },
		{ NULL, NULL, 0, 0 }
	};
	json_t *moved = json_object_get(r, "moved");
	char *old = cli_print_cell(json_object_get(r, "old"), FMT_LIST);

	printf("%s %s, 已撤销 (记入历史)\n", cli_print_label(jstr(r, "kind")), old);
	free(old);
	cli_print_table(json_object_get(r, "new"), cols);
	printf("随之调整: 部件 %lld, 案卷 %lld, 地址 %lld, 监督员负责的网格 %lld\n",
	    (long long)jnum(moved, "components"), (long long)jnum(moved, "cases"),
	    (long long)jnum(moved, "addresses"), (long long)jnum(moved, "collectors"));
}

void
cli_component_edit_print(json_t *r)
{
	printf("部件 %s %s: %s, 现为版本 %lld, 网格 %s, 状态 %s\n", jstr(r, "id"),
	    jstr(r, "name"), cli_print_label(jstr(r, "change")), (long long)jnum(r, "revision"),
	    jstr(r, "grid"), jstr(r, "status"));
}
