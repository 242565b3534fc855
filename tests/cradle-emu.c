/*
 * cradle-emu: the reference handheld (城管通) of citygrid-cradle(7).
 *
 * It speaks the device side of a cradle session over a serial device
 * (a USB serial port, or one end of a pseudo-terminal pair made by
 * socat), from a state directory that holds what a real unit holds:
 * its reports with their photos, its task results, its GNSS track, the
 * tasks, code table and grid outlines it downloaded, and which records
 * the host acknowledged.  A run that stops anywhere (--cut-at, a pulled
 * cable) leaves the directory consistent, and the next run resends only
 * what was not acknowledged.
 *
 * usage: cradle-emu [options] -s DIR PATH
 *
 *   -s, --state DIR	the unit's state; made on the first run
 *   --device ID		device id (CGT-0001); first run only
 *   --collector CODE	collector (C001); first run only
 *   --reports N		reports to make on the first run (10)
 *   --photos K		photos per report (1)
 *   --photo-size BYTES	bytes per photo (204800), JPEG-like and
 *			deterministic for the unit's seed
 *   --places FILE	where reports are: "lon lat" or "grid CODE" per
 *			line (default: eight places in grids of C001 in the
 *			demo district)
 *   --classes LIST	"event:0102,component:0101" (default: events
 *			0101 to 0106 of CJ/T 214-2007)
 *   --track-fixes N	fixes in the track (120); each is an RMC and a
 *			GGA or GNS sentence, talkers GP, GN, BD and GB
 *   --bad-every N	every Nth sentence gets a wrong checksum (17)
 *   --seed S		the unit's seed (default: random); first run
 *   --answer MODE	answer the tasks downloaded: "yes" (confirmed,
 *			passed) or "no" (not found, failed), with a photo,
 *			and upload the answers in the same session
 *   --no-download	skip tasks, codes and grids
 *   --baud B		the line's speed for termios (115200)
 *   --throttle B	pace both directions to B baud, 10 bits a byte
 *   --cut-at N		stop dead after writing N bytes (exit 3)
 *   --cut-in N		stop dead after reading N bytes (exit 3): pulled
 *			while a list or an answer comes down
 *   --corrupt KINDS	spoil frames: bitflip, truncate, length, long,
 *			crc, noise, or all; a spoiled frame is lost
 *			(but noise) and its request sent again
 *   --corrupt-every N	spoil one frame in N sent, at random (10)
 *   --timeout MS		resend a request unanswered this long (2000)
 *   --tries N		give up after N sends of one request (5)
 *   --window N		requests in flight, at most the host's (16)
 *   --chunk BYTES	photo chunk size (as large as the host takes)
 *   -v			log corruption; -vv every frame
 *
 * Output on stdout, one line each: "device:" and "host:" with the
 * goodbye counters of citygrid-cradle(7); "line:" with bytes and
 * payload bytes each way, seconds and refused frames; "state:" with
 * the records still pending and done over all runs; "corrupted:" if any.
 * Exit 0 after a whole session, 1 on bad usage, 2 if refused, 3 when
 * cut, 4 when the host stopped answering.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cg.h"
#include "cradle-emu.h"

enum emu_rec_state { R_PENDING, R_SENT, R_RETRY, R_DONE };

struct emu_photo {
	uint32_t	 index;		/* which blob of the unit's seed */
	uint32_t	 size;
	uint8_t		 sha[CRADLE_SHA256];
};

struct emu_record {
	struct cradle_record r;
	struct emu_photo photos[CRADLE_PHOTOS_MAX];
	enum emu_rec_state state;
	int64_t		 sent_at;
	int		 tries;
	int		 retries;	/* RETRY answers this session */
	char		 case_no[CRADLE_CASE_NO_MAX + 1];
};

struct emu_task {
	uint8_t		 uuid[CRADLE_UUID];
	uint8_t		 kind;
	char		 case_no[CRADLE_CASE_NO_MAX + 1];
};

struct emu_place {
	int32_t		 lon, lat;	/* or NO_COORD and a grid */
	char		 grid[CRADLE_GRID_CODE + 1];
};

struct emu_class {
	uint8_t		 kind;
	char		 code[CRADLE_CLASS_MAX + 1];
};

/* A photo or a track on its way up. */
struct emu_upload {
	int		 photo;
	uint8_t		 id[CRADLE_SHA256];
	uint8_t		*data;
	uint32_t	 size;
	uint32_t	 acked, next, recover_at;
	int		 recovering;
	int		 answered;
	uint8_t		 status;
	uint32_t	 good, bad;
	int64_t		 progress_at;
	int		 tries;
};

/* A list being downloaded. */
struct emu_list {
	uint8_t		 done_type;
	int		 done;
	unsigned	 got;		/* messages */
	unsigned	 want;		/* from the DONE */
	struct emu_task	*tasks;		/* TASK */
	size_t		 ntasks;
	struct cradle_code *codes;	/* CODE */
	size_t		 ncodes;
	struct cradle_codes_done codes_done;
	FILE		*grids;		/* GRID, written as they come */
	unsigned	 grids_last;
};

struct emu {
	struct emu_line	 l;
	const char	*dir;
	/* options */
	const char	*device, *collector, *places_file, *classes;
	unsigned	 reports, photos, photo_size, track_fixes, bad_every;
	int		 seed_given;
	uint32_t	 seed;
	const char	*answer;
	int		 download;
	int		 timeout, tries, window, chunk;
	int		 wait;		/* timeout and the window's time */

	/* the unit */
	struct emu_record *recs;
	size_t		 nrecs;
	struct emu_task	*tasks;
	size_t		 ntasks;
	char		 standard[CRADLE_STANDARD_MAX + 1];
	uint8_t		 digest[CRADLE_DIGEST];

	/* the session */
	int		 hello;		/* 1 accepted, 2 refused */
	struct cradle_hello_ack ack;
	struct cradle_refuse refuse;
	int		 clock_done;
	int64_t		 clock_offset, clock_delay;
	int		 bye_done;
	struct cradle_bye host;
	unsigned	 outstanding;	/* records in flight */
	struct emu_upload *up;
	struct emu_list	*list;
	uint32_t	 counts[CRADLE_N_COUNT];
	unsigned	 errors;	/* ERROR messages from the host */
};

static const struct emu_place emu_default_places[] = {
	/* Points on the surface of grids of C001 in the demo district. */
	{ 1164106363, 399195500, "" },	/* 110101001009010 */
	{ 1164116483, 399177500, "" },	/* 110101001009023 */
	{ 1164080250, 399204500, "" },	/* 110101001009003 */
	{ 1164091950, 399204500, "" },	/* 110101001009004 */
	{ 1163964279, 399195500, "" },	/* 110101001005009 */
	{ 1164045973, 399159500, "" },	/* 110101001009032 */
	{ 1163998350, 399204168, "" },	/* 110101001005004 */
	{ 1163998350, 399168500, "" },	/* 110101001005035 */
};

static const char *const emu_descriptions[] = {
	"路边暴露垃圾, 约两平方米",
	"人行道上堆放建筑渣土",
	"店外占道经营, 摆放货架",
	"井盖缺失, 有安全隐患",
	"墙面有小广告",
	"绿地内积存垃圾",
	"道路不洁, 有油污",
	"非机动车乱停放, 堵塞盲道",
};

/* Paths in the state directory. */
static char *
emu_path(const struct emu *e, const char *name)
{
	char *p;

	xasprintf(&p, "%s/%s", e->dir, name);
	return p;
}

/* Append one line, then let it reach the disk before going on. */
static void
emu_append(const struct emu *e, const char *name, const char *line)
{
	char *p = emu_path(e, name);
	int fd;

	if ((fd = open(p, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0 ||
	    write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		emu_die("%s: %s", p, strerror(errno));
	fdatasync(fd);
	close(fd);
	free(p);
}

/* A JPEG-like blob: markers, then stuffed entropy bytes, then EOI. */
static void
emu_photo_fill(uint32_t seed, uint32_t index, uint8_t *p, uint32_t size)
{
	static const uint8_t head[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10,
	    'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00,
	    0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43, 0x00 };
	uint32_t s = seed * 2654435761u ^ (index + 1) * 40503u, i;

	for (i = 0; i < size; i++) {
		if (i < sizeof head && size > sizeof head + 2)
			p[i] = head[i];
		else if (i > 0 && p[i - 1] == 0xff)
			p[i] = 0x00;	/* byte stuffing, as in scan data */
		else
			p[i] = emu_rand(&s) >> 7;
	}
	if (size >= 4) {
		if (p[size - 3] == 0xff)
			p[size - 3] = 0xfe;
		p[size - 2] = 0xff;
		p[size - 1] = 0xd9;
	}
}

static uint8_t *
emu_photo_data(const struct emu *e, const struct emu_photo *ph)
{
	uint8_t *p = xmalloc(ph->size);

	emu_photo_fill(e->seed, ph->index, p, ph->size);
	return p;
}

static void
emu_uuid_v4(uint8_t *u)
{
	emu_random_bytes(u, CRADLE_UUID);
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
}

/* "$" body "*hh" CR LF, the checksum wrong if asked. */
static void
emu_sentence(FILE *f, const char *body, int bad)
{
	unsigned sum = 0;
	const char *p;

	for (p = body; *p != '\0'; p++)
		sum ^= (unsigned char)*p;
	fprintf(f, "$%s*%02X\r\n", body, bad ? sum ^ 0x5a : sum);
}

/* ddmm.mmmm,N and dddmm.mmmm,E from 1e-7 degrees. */
static void
emu_nmea_pos(int32_t lat, int32_t lon, char *out, size_t len)
{
	double la = lat / 1e7, lo = lon / 1e7;
	int dla = (int)la, dlo = (int)lo;

	snprintf(out, len, "%02d%07.4f,N,%03d%07.4f,E", dla, (la - dla) * 60,
	    dlo, (lo - dlo) * 60);
}

/* A walk of n fixes, 5 s apart, as a dual-system receiver logs it. */
static void
emu_track_make(struct emu *e, FILE *f, const struct emu_place *start,
    int64_t t0)
{
	static const char *const talkers[] = { "GP", "GN", "BD", "GB" };
	char body[160], pos[48], hms[16], dmy[8];
	int32_t lat = start->lat, lon = start->lon;
	uint32_t s = e->seed ^ 0x5eed, i, line = 0;
	const char *tk;
	time_t t;
	struct tm tm;

	if (lat == CRADLE_NO_COORD) {
		lat = 399147000;
		lon = 1164126000;
	}
	for (i = 0; i < e->track_fixes; i++) {
		t = (time_t)(t0 / 1000) + 5 * i;
		gmtime_r(&t, &tm);
		strftime(hms, sizeof hms, "%H%M%S.00", &tm);
		strftime(dmy, sizeof dmy, "%d%m%y", &tm);
		lat += (int32_t)(emu_rand(&s) % 401) - 150;
		lon += (int32_t)(emu_rand(&s) % 401) - 150;
		emu_nmea_pos(lat, lon, pos, sizeof pos);
		tk = talkers[i % 4];
		snprintf(body, sizeof body, "%sRMC,%s,A,%s,%.1f,%.1f,%s,,,A",
		    tk, hms, pos, 1.1 + (emu_rand(&s) % 20) / 10.0,
		    (double)(emu_rand(&s) % 3600) / 10, dmy);
		emu_sentence(f, body, ++line % e->bad_every == 0);
		if (i % 2 == 0)
			snprintf(body, sizeof body, "%sGGA,%s,%s,1,%02u,0.9,"
			    "48.%u,M,-8.2,M,,", tk, hms, pos,
			    6 + emu_rand(&s) % 10, emu_rand(&s) % 10);
		else
			snprintf(body, sizeof body, "%sGNS,%s,%s,AA,%02u,0.9,"
			    "48.%u,-8.2,,,V", tk, hms, pos,
			    10 + emu_rand(&s) % 14, emu_rand(&s) % 10);
		emu_sentence(f, body, ++line % e->bad_every == 0);
		if (i % 10 == 0) {
			/* Satellites in view: a sentence the host skips. */
			snprintf(body, sizeof body, "GPGSV,1,1,04,05,61,054,"
			    "45,13,31,276,40,15,57,131,44,18,34,202,41");
			emu_sentence(f, body, 0);
			line++;
		}
	}
}

static size_t
emu_places_load(const char *path, struct emu_place **out)
{
	struct emu_place *p = NULL;
	size_t n = 0;
	char line[256], grid[32];
	double lon, lat;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		emu_die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		p = xreallocarray(p, n + 1, sizeof *p);
		memset(&p[n], 0, sizeof p[n]);
		if (sscanf(line, "grid %31s", grid) == 1 &&
		    strlen(grid) == CRADLE_GRID_CODE) {
			p[n].lon = p[n].lat = CRADLE_NO_COORD;
			strcpy(p[n].grid, grid);
		} else if (sscanf(line, "%lf %lf", &lon, &lat) == 2) {
			p[n].lon = (int32_t)(lon * 1e7 + (lon > 0 ? .5 : -.5));
			p[n].lat = (int32_t)(lat * 1e7 + (lat > 0 ? .5 : -.5));
		} else
			continue;
		n++;
	}
	fclose(f);
	if (n == 0)
		emu_die("%s: no places", path);
	*out = p;
	return n;
}

static size_t
emu_classes_parse(const char *s, struct emu_class **out)
{
	struct emu_class *c = NULL;
	char *copy = xstrdup(s), *p = copy, *w, *colon;
	size_t n = 0;

	while ((w = strsep(&p, ",")) != NULL) {
		if ((colon = strchr(w, ':')) == NULL ||
		    strlen(colon + 1) > CRADLE_CLASS_MAX)
			emu_die("--classes: %s: not kind:code", w);
		*colon = '\0';
		c = xreallocarray(c, n + 1, sizeof *c);
		if (strcmp(w, "event") == 0)
			c[n].kind = CRADLE_CLASS_EVENT;
		else if (strcmp(w, "component") == 0)
			c[n].kind = CRADLE_CLASS_COMPONENT;
		else
			emu_die("--classes: %s: not event or component", w);
		strcpy(c[n].code, colon + 1);
		n++;
	}
	free(copy);
	*out = c;
	return n;
}

/* One line of the records file: tab-separated, "-" for empty. */
static void
emu_record_write(struct emu *e, const struct emu_record *er)
{
	const struct cradle_record *r = &er->r;
	char uuid[37], task[37], sha[65], *line, *photos = xstrdup(""), *t;
	uint8_t i;

	cradle_uuid_format(r->uuid, uuid);
	cradle_uuid_format(r->task, task);
	for (i = 0; i < r->nphotos; i++) {
		cradle_hex_format(er->photos[i].sha, CRADLE_SHA256, sha);
		xasprintf(&t, "%s%s%u:%u:%s", photos, i ? "," : "",
		    er->photos[i].index, er->photos[i].size, sha);
		free(photos);
		photos = t;
	}
	xasprintf(&line, "%s\t%u\t%u\t%lld\t%u\t%s\t%d\t%d\t%s\t%s\t%u\t%s\t"
	    "%s\n", uuid, r->kind, r->flags, (long long)r->time_ms,
	    r->class_kind, r->class_code[0] ? r->class_code : "-", r->lon,
	    r->lat, r->grid[0] ? r->grid : "-", task, r->result,
	    *photos ? photos : "-", r->text);
	emu_append(e, "records", line);
	free(line);
	free(photos);
}

static void
emu_record_add(struct emu *e, const struct emu_record *er)
{
	e->recs = xreallocarray(e->recs, e->nrecs + 1, sizeof *e->recs);
	e->recs[e->nrecs++] = *er;
	emu_record_write(e, er);
}

/* Photos of a record: K blobs, named by their digests. */
static void
emu_record_photos(struct emu *e, struct emu_record *er, unsigned k,
    uint32_t first)
{
	uint8_t *data;
	unsigned i;

	er->r.nphotos = k;
	for (i = 0; i < k; i++) {
		er->photos[i].index = first + i;
		er->photos[i].size = e->photo_size;
		data = emu_photo_data(e, &er->photos[i]);
		emu_sha256(data, e->photo_size, er->photos[i].sha);
		free(data);
		memcpy(er->r.photos[i].sha256, er->photos[i].sha, CRADLE_SHA256);
		er->r.photos[i].size = e->photo_size;
		strcpy(er->r.photos[i].mime, "image/jpeg");
	}
}

/* The first run: a unit with its reports and a track. */
static void
emu_create(struct emu *e)
{
	struct emu_place *places = NULL;
	struct emu_class *classes;
	struct emu_record er;
	size_t nplaces, nclasses;
	int64_t now = emu_now_ms();
	uint8_t tuuid[CRADLE_UUID];
	char *line, *path, name[64], uuid[37];
	unsigned i;
	FILE *f;

	if (!e->seed_given)
		emu_random_bytes(&e->seed, sizeof e->seed);
	if (mkdir(e->dir, 0755) != 0 && errno != EEXIST)
		emu_die("%s: %s", e->dir, strerror(errno));
	if (e->places_file != NULL)
		nplaces = emu_places_load(e->places_file, &places);
	else {
		nplaces = sizeof emu_default_places / sizeof *places;
		places = xmalloc(sizeof emu_default_places);
		memcpy(places, emu_default_places, sizeof emu_default_places);
	}
	nclasses = emu_classes_parse(e->classes, &classes);
	for (i = 0; i < e->reports; i++) {
		memset(&er, 0, sizeof er);
		emu_uuid_v4(er.r.uuid);
		er.r.kind = CRADLE_REC_REPORT;
		er.r.flags = i % 10 == 9 ? CRADLE_REC_URGENT : 0;
		er.r.time_ms = now - (int64_t)(e->reports - i) * 60000;
		er.r.class_kind = classes[i % nclasses].kind;
		strcpy(er.r.class_code, classes[i % nclasses].code);
		er.r.lon = places[i % nplaces].lon;
		er.r.lat = places[i % nplaces].lat;
		strcpy(er.r.grid, places[i % nplaces].grid);
		snprintf(er.r.text, sizeof er.r.text, "%s (%s 第 %u 条)",
		    emu_descriptions[i % 8], e->device, i + 1);
		emu_record_photos(e, &er, e->photos, i * e->photos);
		emu_record_add(e, &er);
	}
	emu_uuid_v4(tuuid);
	cradle_uuid_format(tuuid, uuid);
	snprintf(name, sizeof name, "track-%s.nmea", uuid);
	path = emu_path(e, name);
	if ((f = fopen(path, "w")) == NULL)
		emu_die("%s: %s", path, strerror(errno));
	emu_track_make(e, f, &places[0], now - (int64_t)e->track_fixes * 5000);
	fclose(f);
	free(path);
	xasprintf(&line, "device %s\ncollector %s\nseed %u\nphoto_size %u\n",
	    e->device, e->collector, e->seed, e->photo_size);
	emu_append(e, "unit", line);
	free(line);
	free(places);
	free(classes);
}

static struct emu_record *
emu_record_find(struct emu *e, const uint8_t *uuid)
{
	size_t i;

	for (i = 0; i < e->nrecs; i++) {
		if (memcmp(e->recs[i].r.uuid, uuid, CRADLE_UUID) == 0)
			return &e->recs[i];
	}
	return NULL;
}

/* Split a line at tabs, in place; returns the number of fields. */
static int
emu_split(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\n")] = '\0';
	while (n < max && line != NULL)
		f[n++] = strsep(&line, "\t");
	return n;
}

static void
emu_record_parse(struct emu *e, char *line)
{
	struct emu_record er;
	char *f[13], *p, *ph;
	uint8_t k = 0;

	memset(&er, 0, sizeof er);
	if (emu_split(line, f, 13) != 13 || cradle_uuid_parse(f[0],
	    er.r.uuid) != 0 || cradle_uuid_parse(f[9], er.r.task) != 0)
		emu_die("%s/records: a broken line", e->dir);
	er.r.kind = atoi(f[1]);
	er.r.flags = atoi(f[2]);
	er.r.time_ms = strtoll(f[3], NULL, 10);
	er.r.class_kind = atoi(f[4]);
	if (strcmp(f[5], "-") != 0)
		snprintf(er.r.class_code, sizeof er.r.class_code, "%s", f[5]);
	er.r.lon = atoi(f[6]);
	er.r.lat = atoi(f[7]);
	if (strcmp(f[8], "-") != 0)
		snprintf(er.r.grid, sizeof er.r.grid, "%s", f[8]);
	er.r.result = atoi(f[10]);
	snprintf(er.r.text, sizeof er.r.text, "%s", f[12]);
	for (p = f[11]; strcmp(f[11], "-") != 0 &&
	    (ph = strsep(&p, ",")) != NULL && k < CRADLE_PHOTOS_MAX; k++) {
		char sha[65];

		if (sscanf(ph, "%u:%u:%64s", &er.photos[k].index,
		    &er.photos[k].size, sha) != 3 ||
		    cradle_hex_parse(sha, er.photos[k].sha, 32) != 0)
			emu_die("%s/records: a broken photo", e->dir);
		memcpy(er.r.photos[k].sha256, er.photos[k].sha, 32);
		er.r.photos[k].size = er.photos[k].size;
		strcpy(er.r.photos[k].mime, "image/jpeg");
	}
	er.r.nphotos = k;
	e->recs = xreallocarray(e->recs, e->nrecs + 1, sizeof *e->recs);
	e->recs[e->nrecs++] = er;
}

/* A later run: the unit as the last one left it. */
static void
emu_load(struct emu *e)
{
	char *path, line[4096], key[32], val[128], *f[3];
	struct emu_record *er;
	uint8_t uuid[CRADLE_UUID];
	FILE *fp;

	path = emu_path(e, "unit");
	if ((fp = fopen(path, "r")) == NULL)
		emu_die("%s: %s", path, strerror(errno));
	while (fscanf(fp, "%31s %127s", key, val) == 2) {
		if (strcmp(key, "device") == 0)
			e->device = xstrdup(val);
		else if (strcmp(key, "collector") == 0)
			e->collector = xstrdup(val);
		else if (strcmp(key, "seed") == 0)
			e->seed = strtoul(val, NULL, 10);
	}
	fclose(fp);
	free(path);
	path = emu_path(e, "records");
	if ((fp = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof line, fp) != NULL)
			emu_record_parse(e, line);
		fclose(fp);
	}
	free(path);
	path = emu_path(e, "acks");
	if ((fp = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof line, fp) != NULL) {
			if (emu_split(line, f, 3) != 3 ||
			    cradle_uuid_parse(f[0], uuid) != 0 ||
			    (er = emu_record_find(e, uuid)) == NULL)
				continue;	/* a line cut short by a crash */
			er->state = R_DONE;
			if (strcmp(f[2], "-") != 0)
				snprintf(er->case_no, sizeof er->case_no, "%s",
				    f[2]);
		}
		fclose(fp);
	}
	free(path);
	path = emu_path(e, "codes");
	if ((fp = fopen(path, "r")) != NULL) {
		if (fscanf(fp, "%32s %16s", e->standard, val) != 2 ||
		    cradle_hex_parse(val, e->digest, CRADLE_DIGEST) != 0) {
			e->standard[0] = '\0';
			memset(e->digest, 0, sizeof e->digest);
		}
		fclose(fp);
	}
	free(path);
}

static size_t
emu_pending(const struct emu *e)
{
	size_t i, n = 0;

	for (i = 0; i < e->nrecs; i++)
		n += e->recs[i].state != R_DONE;
	return n;
}

/* What a frame from the host does to the session. */
static void
emu_on_upload_ack(struct emu *e, const uint8_t *id, size_t idlen,
    uint8_t status, uint32_t offset)
{
	struct emu_upload *u = e->up;

	if (u == NULL || memcmp(u->id, id, idlen) != 0)
		return;		/* late, for one done with */
	u->answered = 1;
	u->status = status;
	if (u->photo && status == CRADLE_PHOTO_CORRUPT) {
		u->acked = u->next = 0;
		u->recovering = 0;
		u->progress_at = emu_now_ms();
		return;
	}
	if (offset > u->acked) {
		u->acked = offset;
		u->progress_at = emu_now_ms();
		u->tries = 0;
		if (u->next < u->acked)
			u->next = u->acked;
		if (u->recovering && u->acked > u->recover_at)
			u->recovering = 0;
	} else if (offset == u->acked && u->next > u->acked &&
	    !u->recovering) {
		/* A chunk was lost: go back to it, once per loss. */
		u->next = u->acked;
		u->recovering = 1;
		u->recover_at = u->acked;
	} else if (offset < u->acked) {
		u->acked = u->next = offset;	/* the host lost some */
		u->recovering = 0;
	}
}

static void
emu_on_record_ack(struct emu *e, const struct cradle_record_ack *a)
{
	struct emu_record *er = emu_record_find(e, a->uuid);
	char uuid[37], *line;

	if (er == NULL || er->state != R_SENT)
		return;		/* an answer to a resend, already had */
	e->outstanding--;
	switch (a->status) {
	case CRADLE_ACK_NEW:
	case CRADLE_ACK_DUPLICATE:
	case CRADLE_ACK_REFUSED:
		cradle_uuid_format(a->uuid, uuid);
		xasprintf(&line, "%s\t%s\t%s\n", uuid, cradle_ack_name(
		    a->status), a->case_no[0] ? a->case_no : "-");
		emu_append(e, "acks", line);
		free(line);
		er->state = R_DONE;
		snprintf(er->case_no, sizeof er->case_no, "%s", a->case_no);
		e->counts[a->status == CRADLE_ACK_NEW ? CRADLE_N_NEW :
		    a->status == CRADLE_ACK_DUPLICATE ? CRADLE_N_DUPLICATE :
		    CRADLE_N_REFUSED]++;
		if (a->status == CRADLE_ACK_REFUSED)
			fprintf(stderr, "device: record %s refused: %s\n", uuid,
			    a->text);
		break;
	default:
		er->state = R_RETRY;
		er->retries++;
		e->counts[CRADLE_N_RETRY]++;
		if (e->l.verbose)
			fprintf(stderr, "device: record retry: %s\n", a->text);
		break;
	}
}

static void
emu_on_list(struct emu *e, const struct cradle_msg *m)
{
	struct emu_list *ls = e->list;
	const struct cradle_grid *g;
	int i;

	if (ls == NULL || ls->done)
		return;
	switch (m->type) {
	case CRADLE_TASK:
		ls->tasks = xreallocarray(ls->tasks, ls->ntasks + 1,
		    sizeof *ls->tasks);
		memcpy(ls->tasks[ls->ntasks].uuid, m->u.task.uuid, CRADLE_UUID);
		ls->tasks[ls->ntasks].kind = m->u.task.kind;
		strcpy(ls->tasks[ls->ntasks].case_no, m->u.task.case_no);
		ls->ntasks++;
		ls->got++;
		return;
	case CRADLE_CODE:
		ls->codes = xreallocarray(ls->codes, ls->ncodes + 1,
		    sizeof *ls->codes);
		ls->codes[ls->ncodes++] = m->u.code;
		ls->got++;
		return;
	case CRADLE_GRID:
		g = &m->u.grid;
		fprintf(ls->grids, "%s\t%c\t%u\t%u\t%u\t%u\t", g->code,
		    g->area_class, g->polygon, g->ring, g->part, g->flags);
		for (i = 0; i < g->npoints; i++)
			fprintf(ls->grids, "%s%d,%d", i ? " " : "",
			    g->points[i].lon, g->points[i].lat);
		fputc('\n', ls->grids);
		if (g->flags & CRADLE_GRID_LAST && g->polygon == 0 &&
		    g->ring == 0)
			ls->grids_last++;
		ls->got++;
		return;
	case CRADLE_TASKS_DONE:
		ls->want = m->u.tasks_done.count;
		break;
	case CRADLE_CODES_DONE:
		ls->want = m->u.codes_done.count;
		ls->codes_done = m->u.codes_done;
		break;
	case CRADLE_GRIDS_DONE:
		ls->want = m->u.grids_done.messages;
		break;
	}
	if (m->type == ls->done_type)
		ls->done = 1;
}

static void
emu_on_msg(const struct cradle_frame *f, const struct cradle_msg *m,
    const char *why, void *arg)
{
	struct emu *e = arg;

	if (m == NULL) {
		fprintf(stderr, "device: a %s from the host I cannot read: %s\n",
		    cradle_type_name(f->type) ? cradle_type_name(f->type) : "?",
		    why);
		return;
	}
	switch (m->type) {
	case CRADLE_HELLO_ACK:
		e->ack = m->u.hello_ack;
		e->hello = 1;
		break;
	case CRADLE_REFUSE:
		e->refuse = m->u.refuse;
		e->hello = 2;
		break;
	case CRADLE_CLOCK: {
		int64_t t4 = emu_now_ms();

		e->clock_offset = ((m->u.clock.t2 - m->u.clock.t1) +
		    (m->u.clock.t3 - t4)) / 2;
		e->clock_delay = (t4 - m->u.clock.t1) -
		    (m->u.clock.t3 - m->u.clock.t2);
		e->clock_done = 1;
		break;
	}
	case CRADLE_RECORD_ACK:
		emu_on_record_ack(e, &m->u.record_ack);
		break;
	case CRADLE_PHOTO_ACK:
		emu_on_upload_ack(e, m->u.photo_ack.sha256, CRADLE_SHA256,
		    m->u.photo_ack.status, m->u.photo_ack.offset);
		break;
	case CRADLE_TRACK_ACK:
		if (e->up != NULL && !e->up->photo) {
			e->up->good = m->u.track_ack.good;
			e->up->bad = m->u.track_ack.bad;
		}
		emu_on_upload_ack(e, m->u.track_ack.uuid, CRADLE_UUID,
		    m->u.track_ack.status, m->u.track_ack.offset);
		break;
	case CRADLE_BYE_ACK:
		e->host = m->u.bye;
		e->bye_done = 1;
		break;
	case CRADLE_ERROR:
		e->errors++;
		fprintf(stderr, "device: host error %u about %s seq %u: %s\n",
		    m->u.error.code, cradle_type_name(m->u.error.ref_type) ?
		    cradle_type_name(m->u.error.ref_type) : "?",
		    m->u.error.ref_seq, m->u.error.text);
		break;
	default:
		emu_on_list(e, m);
		break;
	}
}

/* Pump the line; a gone line ends the run. */
static void
emu_pump(struct emu *e, int ms)
{
	if (emu_line_pump(&e->l, ms, emu_on_msg, e) < 0) {
		printf("device: the line is gone\n");
		exit(4);
	}
}

static void
emu_send(struct emu *e, const struct cradle_msg *m)
{
	if (emu_line_send(&e->l, m) != 0) {
		printf("device: the line is gone\n");
		exit(4);
	}
}

static void
emu_give_up(struct emu *e, const char *what)
{
	printf("device: no answer to %s after %d tries\n", what, e->tries);
	exit(4);
}

/*
 * Send m until *flag turns non-zero, resending after a wait without
 * news; news is a change of *progress (the items of a list), if given.
 */
static void
emu_ask_more(struct emu *e, const struct cradle_msg *m, int *flag,
    const unsigned *progress)
{
	unsigned seen = progress ? *progress : 0;
	int tries;
	int64_t until;

	for (tries = 0; *flag == 0; tries++) {
		if (tries == e->tries)
			emu_give_up(e, cradle_type_name(m->type));
		emu_send(e, m);
		until = emu_now_ms() + e->wait;
		while (*flag == 0 && emu_now_ms() < until) {
			emu_pump(e, 50);
			if (progress != NULL && *progress != seen) {
				seen = *progress;
				until = emu_now_ms() + e->wait;
			}
		}
	}
}

static void
emu_ask(struct emu *e, const struct cradle_msg *m, int *flag)
{
	emu_ask_more(e, m, flag, NULL);
}

static void
emu_hello(struct emu *e)
{
	struct cradle_msg m;
	size_t i;
	uint64_t bytes = 0;
	int tries;

	cradle_msg_init(&m, CRADLE_HELLO);
	m.u.hello.msg_min = 1;
	m.u.hello.msg_max = CRADLE_MSG_VERSION;
	snprintf(m.u.hello.device, sizeof m.u.hello.device, "%s", e->device);
	snprintf(m.u.hello.collector, sizeof m.u.hello.collector, "%s",
	    e->collector);
	strcpy(m.u.hello.firmware, "cradle-emu " CG_VERSION);
	strcpy(m.u.hello.model, "citygrid 参考手持机");
	m.u.hello.time_ms = emu_now_ms();
	for (i = 0; i < e->nrecs; i++) {
		if (e->recs[i].state != R_DONE) {
			m.u.hello.pending_records++;
			bytes += e->recs[i].r.nphotos * (uint64_t)e->photo_size;
		}
	}
	m.u.hello.pending_bytes = bytes > UINT32_MAX ? UINT32_MAX : bytes;
	for (tries = 1;; tries++) {
		emu_ask(e, &m, &e->hello);
		if (e->hello != 2 || e->refuse.reason != CRADLE_REFUSE_BUSY ||
		    tries == e->tries)
			break;
		/* Busy: come back a little later, as the page says. */
		fprintf(stderr, "device: host busy (%s); hello again in %d ms\n",
		    e->refuse.text, e->timeout);
		usleep(e->timeout * 1000);
		e->hello = 0;
		m.u.hello.time_ms = emu_now_ms();
	}
	if (e->hello == 2) {
		printf("device: refused (%s): %s\n",
		    cradle_refuse_name(e->refuse.reason), e->refuse.text);
		exit(2);
	}
	if (e->ack.window < e->window)
		e->window = e->ack.window;
	if (e->chunk == 0 || e->chunk > e->ack.payload_max - 36)
		e->chunk = e->ack.payload_max - 36;
	if (e->chunk > CRADLE_PHOTO_CHUNK_MAX)
		e->chunk = CRADLE_PHOTO_CHUNK_MAX;
	/* Give the answers the time a window of frames takes on the line. */
	if (e->l.rate > 0)
		e->wait = e->timeout + (int)(e->window * (CRADLE_FRAME_MAX +
		    0.0) / e->l.rate * 1000);
	fprintf(stderr, "device: session %u with %s, window %d, chunk %d\n",
	    e->ack.session, e->ack.collector_name, e->window, e->chunk);
}

static void
emu_clock(struct emu *e)
{
	struct cradle_msg m;

	cradle_msg_init(&m, CRADLE_CLOCK_REQ);
	m.u.clock.t1 = emu_now_ms();
	emu_ask(e, &m, &e->clock_done);
	fprintf(stderr, "device: clock off by %lld ms, round trip %lld ms\n",
	    (long long)e->clock_offset, (long long)e->clock_delay);
}

/* The next chunk's length: photos any, tracks whole lines. */
static uint32_t
emu_chunk_len(const struct emu *e, const struct emu_upload *u)
{
	uint32_t max = u->photo ? (uint32_t)e->chunk : CRADLE_TRACK_CHUNK_MAX;
	uint32_t n = u->size - u->next;

	if (n > max)
		n = max;
	if (!u->photo) {
		while (n > 0 && u->data[u->next + n - 1] != '\n')
			n--;
		if (n == 0)
			emu_die("track: a line longer than %u bytes", max);
	}
	return n;
}

static void
emu_query(struct emu *e, struct emu_upload *u)
{
	struct cradle_msg m;

	if (u->photo) {
		cradle_msg_init(&m, CRADLE_PHOTO_QUERY);
		memcpy(m.u.photo_query.sha256, u->id, CRADLE_SHA256);
		m.u.photo_query.size = u->size;
		strcpy(m.u.photo_query.mime, "image/jpeg");
	} else {
		cradle_msg_init(&m, CRADLE_TRACK_QUERY);
		memcpy(m.u.track_query.uuid, u->id, CRADLE_UUID);
		m.u.track_query.size = u->size;
	}
	u->answered = 0;
	emu_ask(e, &m, &u->answered);
}

static void
emu_send_chunk(struct emu *e, struct emu_upload *u)
{
	struct cradle_msg m;
	uint32_t n = emu_chunk_len(e, u);

	cradle_msg_init(&m, u->photo ? CRADLE_PHOTO_CHUNK : CRADLE_TRACK_CHUNK);
	memcpy(m.u.chunk.id, u->id, u->photo ? CRADLE_SHA256 : CRADLE_UUID);
	m.u.chunk.offset = u->next;
	m.u.chunk.data = u->data + u->next;
	m.u.chunk.len = n;
	emu_send(e, &m);
	e->counts[u->photo ? CRADLE_N_PHOTO_BYTES : CRADLE_N_TRACK_BYTES] += n;
	u->next += n;
}

static void emu_records_tick(struct emu *);

/*
 * One photo or track up: ask how much the host has, then send chunks
 * from there, a window ahead, going back to the first one lost.
 * Returns 0 when the host holds it all, -1 when it refuses it.
 */
static int
emu_upload(struct emu *e, struct emu_upload *u)
{
	uint32_t window;
	int64_t now;

	e->up = u;
	emu_query(e, u);
	u->next = u->acked;
	u->progress_at = emu_now_ms();
	for (;;) {
		if (u->photo ? u->status == CRADLE_PHOTO_COMPLETE :
		    u->acked == u->size)
			break;
		if (u->photo ? u->status == CRADLE_PHOTO_REFUSED :
		    u->status == CRADLE_TRACK_REFUSED) {
			e->up = NULL;
			return -1;
		}
		window = e->window > (int)e->outstanding ?
		    e->window - e->outstanding : 1;
		while (u->next < u->size && u->next - u->acked <
		    window * (uint32_t)(u->photo ? e->chunk :
		    CRADLE_TRACK_CHUNK_MAX))
			emu_send_chunk(e, u);
		emu_pump(e, 20);
		emu_records_tick(e);
		now = emu_now_ms();
		if (now - u->progress_at < e->wait)
			continue;
		/* Nothing for a while: start again where the host is. */
		if (++u->tries >= e->tries)
			emu_give_up(e, u->photo ? "a photo chunk" :
			    "a track chunk");
		u->progress_at = now;
		u->recovering = 0;
		if (u->acked == u->size)
			emu_query(e, u);	/* the last answer was lost */
		u->next = u->acked;
	}
	e->up = NULL;
	return 0;
}

static void
emu_send_record(struct emu *e, struct emu_record *er)
{
	struct cradle_msg m;

	cradle_msg_init(&m, CRADLE_RECORD);
	m.u.record = er->r;
	if (er->state != R_SENT) {
		e->outstanding++;
		e->counts[CRADLE_N_RECORDS]++;
	}
	er->state = R_SENT;
	er->sent_at = emu_now_ms();
	emu_send(e, &m);
}

/* Resend records unanswered for too long. */
static void
emu_records_tick(struct emu *e)
{
	int64_t now = emu_now_ms();
	size_t i;

	for (i = 0; i < e->nrecs; i++) {
		struct emu_record *er = &e->recs[i];

		if (er->state != R_SENT || now - er->sent_at < e->wait)
			continue;
		if (++er->tries >= e->tries)
			emu_give_up(e, "a record");
		emu_send_record(e, er);
	}
}

/* A record's photos, then the record; a window of records in flight. */
static void
emu_record_up(struct emu *e, struct emu_record *er)
{
	struct emu_upload u;
	uint8_t i;

	for (i = 0; i < er->r.nphotos; i++) {
		memset(&u, 0, sizeof u);
		u.photo = 1;
		memcpy(u.id, er->photos[i].sha, CRADLE_SHA256);
		u.size = er->photos[i].size;
		u.data = emu_photo_data(e, &er->photos[i]);
		if (emu_upload(e, &u) == 0)
			e->counts[CRADLE_N_PHOTOS]++;
		else
			fprintf(stderr, "device: a photo was refused\n");
		free(u.data);
	}
	while ((int)e->outstanding >= e->window) {
		emu_pump(e, 20);
		emu_records_tick(e);
	}
	er->tries = 0;
	emu_send_record(e, er);
}

static void
emu_records(struct emu *e)
{
	size_t i;
	int round;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < e->nrecs; i++) {
			if (e->recs[i].state == R_PENDING ||
			    (e->recs[i].state == R_RETRY && round > 0))
				emu_record_up(e, &e->recs[i]);
		}
		while (e->outstanding > 0) {
			emu_pump(e, 20);
			emu_records_tick(e);
		}
	}
}

static void
emu_tracks(struct emu *e)
{
	struct emu_upload u;
	struct dirent *de;
	char *path;
	DIR *d;
	FILE *f;
	long size;

	if ((d = opendir(e->dir)) == NULL)
		emu_die("%s: %s", e->dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		memset(&u, 0, sizeof u);
		if (strncmp(de->d_name, "track-", 6) != 0 ||
		    strlen(de->d_name) != 6 + 36 + 5 ||
		    strcmp(de->d_name + 42, ".nmea") != 0)
			continue;
		de->d_name[42] = '\0';
		if (cradle_uuid_parse(de->d_name + 6, u.id) != 0)
			continue;
		de->d_name[42] = '.';
		path = emu_path(e, de->d_name);
		if ((f = fopen(path, "r")) == NULL ||
		    fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0)
			emu_die("%s: %s", path, strerror(errno));
		rewind(f);
		u.size = size;
		u.data = xmalloc(size + 1);
		if (fread(u.data, 1, size, f) != (size_t)size)
			emu_die("%s: short read", path);
		fclose(f);
		if (size > 0 && emu_upload(e, &u) == 0) {
			fprintf(stderr, "device: track %.36s: %u bytes, the host"
			    " read %u positions, skipped %u sentences\n",
			    de->d_name + 6, u.size, u.good, u.bad);
			e->counts[CRADLE_N_NMEA_GOOD] += u.good;
			e->counts[CRADLE_N_NMEA_BAD] += u.bad;
		}
		free(u.data);
		free(path);
	}
	closedir(d);
}

/* Ask for a list until it comes whole. */
static void
emu_list(struct emu *e, uint8_t req, uint8_t done, struct emu_list *ls)
{
	struct cradle_msg m;
	int tries;

	cradle_msg_init(&m, req);
	if (req == CRADLE_CODES_REQ) {
		strcpy(m.u.codes_req.standard, e->standard);
		memcpy(m.u.codes_req.digest, e->digest, CRADLE_DIGEST);
	}
	for (tries = 0;; tries++) {
		if (tries == e->tries)
			emu_give_up(e, cradle_type_name(req));
		free(ls->tasks);
		free(ls->codes);
		memset(ls, 0, sizeof *ls);
		ls->done_type = done;
		if (done == CRADLE_GRIDS_DONE) {
			char *p = emu_path(e, "grids.tmp");

			if ((ls->grids = fopen(p, "w")) == NULL)
				emu_die("%s: %s", p, strerror(errno));
			free(p);
		}
		e->list = ls;
		emu_ask_more(e, &m, &ls->done, &ls->got);
		e->list = NULL;
		if (ls->grids != NULL)
			fclose(ls->grids);
		if (ls->got == ls->want)
			return;
		fprintf(stderr, "device: %s: %u of %u came; again\n",
		    cradle_type_name(req), ls->got, ls->want);
	}
}

/* Write a file whole or not at all. */
static void
emu_replace(struct emu *e, const char *name, const char *tmpname)
{
	char *to = emu_path(e, name), *from = emu_path(e, tmpname);

	if (rename(from, to) != 0)
		emu_die("%s: %s", to, strerror(errno));
	free(to);
	free(from);
}

/* The code table the unit holds: "kind<TAB>code<TAB>major<TAB>name". */
static size_t
emu_codes_load(struct emu *e, struct cradle_code **out)
{
	struct cradle_code *c = NULL;
	char *path = emu_path(e, "codes"), line[512], *f[4];
	size_t n = 0;
	FILE *fp;

	if ((fp = fopen(path, "r")) != NULL) {
		if (fgets(line, sizeof line, fp) != NULL) {	/* the version */
			while (fgets(line, sizeof line, fp) != NULL) {
				if (emu_split(line, f, 4) != 4)
					continue;
				c = xreallocarray(c, n + 1, sizeof *c);
				memset(&c[n], 0, sizeof c[n]);
				c[n].op = CRADLE_CODE_SET;
				c[n].kind = atoi(f[0]);
				snprintf(c[n].code, sizeof c[n].code, "%s", f[1]);
				snprintf(c[n].major_name, sizeof c[n].major_name,
				    "%s", f[2]);
				snprintf(c[n].name, sizeof c[n].name, "%s", f[3]);
				n++;
			}
		}
		fclose(fp);
	}
	free(path);
	*out = c;
	return n;
}

/*
 * Apply what came down: the whole table (FULL), or its changes against
 * the table held (op 1 adds or changes a class, op 2 removes it); then
 * keep the table and its new version, whole or not at all.
 */
static void
emu_codes_apply(struct emu *e, const struct emu_list *ls)
{
	struct cradle_code *t = NULL;
	size_t n = 0, i, j;
	char *p, hex[2 * CRADLE_DIGEST + 1];
	FILE *f;

	if (!(ls->codes_done.flags & CRADLE_CODES_FULL))
		n = emu_codes_load(e, &t);
	for (i = 0; i < ls->ncodes; i++) {
		const struct cradle_code *c = &ls->codes[i];

		for (j = 0; j < n; j++) {
			if (t[j].kind == c->kind && strcmp(t[j].code, c->code) == 0)
				break;
		}
		if (c->op == CRADLE_CODE_DEL) {
			if (j < n)
				t[j] = t[--n];
			continue;
		}
		if (j == n) {
			t = xreallocarray(t, n + 1, sizeof *t);
			n++;
		}
		t[j] = *c;
	}
	p = emu_path(e, "codes.tmp");
	if ((f = fopen(p, "w")) == NULL)
		emu_die("%s: %s", p, strerror(errno));
	cradle_hex_format(ls->codes_done.digest, CRADLE_DIGEST, hex);
	fprintf(f, "%s %s\n", ls->codes_done.standard, hex);
	for (i = 0; i < n; i++)
		fprintf(f, "%u\t%s\t%s\t%s\n", t[i].kind, t[i].code,
		    t[i].major_name, t[i].name);
	fclose(f);
	free(p);
	emu_replace(e, "codes", "codes.tmp");
	snprintf(e->standard, sizeof e->standard, "%s", ls->codes_done.standard);
	memcpy(e->digest, ls->codes_done.digest, CRADLE_DIGEST);
	fprintf(stderr, "device: code table %s: %zu classes (%s)\n", e->standard,
	    n, ls->codes_done.flags & CRADLE_CODES_FULL ? "whole" : "changes");
	free(t);
}

static void
emu_downloads(struct emu *e)
{
	struct emu_list ls = { 0 };
	char *p, uuid[37];
	size_t i;
	FILE *f;

	emu_list(e, CRADLE_TASKS_REQ, CRADLE_TASKS_DONE, &ls);
	free(e->tasks);
	e->tasks = ls.tasks;
	e->ntasks = ls.ntasks;
	ls.tasks = NULL;
	e->counts[CRADLE_N_TASKS] = e->ntasks;
	p = emu_path(e, "tasks.tmp");
	if ((f = fopen(p, "w")) == NULL)
		emu_die("%s: %s", p, strerror(errno));
	for (i = 0; i < e->ntasks; i++) {
		cradle_uuid_format(e->tasks[i].uuid, uuid);
		fprintf(f, "%s\t%s\t%s\n", uuid, e->tasks[i].kind ==
		    CRADLE_TASK_VERIFY ? "verify" : "check",
		    e->tasks[i].case_no);
	}
	fclose(f);
	free(p);
	emu_replace(e, "tasks", "tasks.tmp");

	emu_list(e, CRADLE_CODES_REQ, CRADLE_CODES_DONE, &ls);
	e->counts[CRADLE_N_CODES] = ls.ncodes;
	if (!(ls.codes_done.flags & CRADLE_CODES_UNCHANGED))
		emu_codes_apply(e, &ls);
	free(ls.codes);
	ls.codes = NULL;

	emu_list(e, CRADLE_GRIDS_REQ, CRADLE_GRIDS_DONE, &ls);
	e->counts[CRADLE_N_GRIDS] = ls.grids_last;
	emu_replace(e, "grids", "grids.tmp");
	fprintf(stderr, "device: %zu tasks, %zu code entries (%s), %u grids\n",
	    e->ntasks, (size_t)e->counts[CRADLE_N_CODES], e->standard,
	    ls.grids_last);
}

/* The collector does the tasks: a result and a photo for each. */
static int
emu_answer(struct emu *e)
{
	struct emu_record er;
	size_t i, j;
	int yes = strcmp(e->answer, "yes") == 0, made = 0;

	for (i = 0; i < e->ntasks; i++) {
		for (j = 0; j < e->nrecs; j++) {
			if (memcmp(e->recs[j].r.task, e->tasks[i].uuid,
			    CRADLE_UUID) == 0)
				break;
		}
		if (j < e->nrecs)
			continue;	/* answered before */
		memset(&er, 0, sizeof er);
		emu_uuid_v4(er.r.uuid);
		memcpy(er.r.task, e->tasks[i].uuid, CRADLE_UUID);
		er.r.time_ms = emu_now_ms();
		er.r.lon = er.r.lat = CRADLE_NO_COORD;
		if (e->tasks[i].kind == CRADLE_TASK_VERIFY) {
			er.r.kind = CRADLE_REC_VERIFY;
			er.r.result = yes ? CRADLE_RESULT_CONFIRMED :
			    CRADLE_RESULT_NOT_FOUND;
			snprintf(er.r.text, sizeof er.r.text, "%s (%s)",
			    yes ? "现场核实, 问题属实" : "现场未发现该问题",
			    e->tasks[i].case_no);
		} else {
			er.r.kind = CRADLE_REC_CHECK;
			er.r.result = yes ? CRADLE_RESULT_PASSED :
			    CRADLE_RESULT_FAILED;
			snprintf(er.r.text, sizeof er.r.text, "%s (%s)",
			    yes ? "现场核查, 已处置完毕" : "现场核查, 尚未处置",
			    e->tasks[i].case_no);
		}
		emu_record_photos(e, &er, 1, 1000000 + e->nrecs);
		emu_record_add(e, &er);
		made++;
	}
	return made;
}

static void
emu_bye(struct emu *e)
{
	struct cradle_msg m;

	e->counts[CRADLE_N_PENDING] = emu_pending(e);
	e->counts[CRADLE_N_FRAMES_BAD] = 0;
	for (int i = 0; i < CRADLE_ERR_COUNT; i++)
		e->counts[CRADLE_N_FRAMES_BAD] += e->l.dec.stats.errors[i];
	cradle_msg_init(&m, CRADLE_BYE);
	m.u.bye.ncounts = CRADLE_N_COUNT;
	memcpy(m.u.bye.counts, e->counts, sizeof e->counts);
	emu_ask(e, &m, &e->bye_done);
}

static void
emu_print_counts(const char *who, const uint32_t *c)
{
	int i;

	printf("%s:", who);
	for (i = 0; i < CRADLE_N_COUNT; i++)
		printf(" %s=%u", cradle_counter_name(i), c[i]);
	printf("\n");
}

static void
emu_report(struct emu *e)
{
	uint64_t bad = 0;
	int i, any = 0;

	emu_print_counts("device", e->counts);
	emu_print_counts("host", e->host.counts);
	for (i = 0; i < CRADLE_ERR_COUNT; i++)
		bad += e->l.dec.stats.errors[i];
	printf("line: out_bytes=%llu out_payload=%llu in_bytes=%llu "
	    "in_payload=%llu out_frames=%llu in_frames=%llu seconds=%.3f "
	    "frames_bad=%llu host_errors=%u\n",
	    (unsigned long long)e->l.out_bytes,
	    (unsigned long long)e->l.out_payload,
	    (unsigned long long)e->l.in_bytes,
	    (unsigned long long)e->l.in_payload,
	    (unsigned long long)e->l.out_frames,
	    (unsigned long long)e->l.in_frames, emu_elapsed(&e->l),
	    (unsigned long long)bad, e->errors);
	printf("state: pending=%zu done=%zu\n", emu_pending(e),
	    e->nrecs - emu_pending(e));
	for (i = 0; i < EMU_CORRUPT_COUNT; i++)
		any |= e->l.corrupted[i] != 0;
	if (any) {
		printf("corrupted:");
		for (i = 0; i < EMU_CORRUPT_COUNT; i++)
			printf(" %s=%llu", emu_corrupt_name(i),
			    (unsigned long long)e->l.corrupted[i]);
		printf("\n");
	}
}

static const struct option emu_options[] = {
	{ "state", required_argument, NULL, 's' },
	{ "device", required_argument, NULL, 'D' },
	{ "collector", required_argument, NULL, 'C' },
	{ "reports", required_argument, NULL, 'r' },
	{ "photos", required_argument, NULL, 'p' },
	{ "photo-size", required_argument, NULL, 'P' },
	{ "places", required_argument, NULL, 'L' },
	{ "classes", required_argument, NULL, 'K' },
	{ "track-fixes", required_argument, NULL, 'T' },
	{ "bad-every", required_argument, NULL, 'B' },
	{ "seed", required_argument, NULL, 'S' },
	{ "answer", required_argument, NULL, 'A' },
	{ "no-download", no_argument, NULL, 'N' },
	{ "baud", required_argument, NULL, 'b' },
	{ "throttle", required_argument, NULL, 't' },
	{ "cut-at", required_argument, NULL, 'c' },
	{ "cut-in", required_argument, NULL, 'i' },
	{ "corrupt", required_argument, NULL, 'x' },
	{ "corrupt-every", required_argument, NULL, 'X' },
	{ "timeout", required_argument, NULL, 'o' },
	{ "tries", required_argument, NULL, 'y' },
	{ "window", required_argument, NULL, 'w' },
	{ "chunk", required_argument, NULL, 'k' },
	{ NULL, 0, NULL, 0 }
};

static void
emu_usage(void)
{
	fprintf(stderr, "usage: cradle-emu [-v] -s DIR [--device ID] "
	    "[--collector CODE] [--reports N]\n"
	    "\t[--photos K] [--photo-size BYTES] [--places FILE] "
	    "[--classes LIST]\n"
	    "\t[--track-fixes N] [--bad-every N] [--seed S] "
	    "[--answer yes|no] [--no-download]\n"
	    "\t[--baud B] [--throttle B] [--cut-at N] [--cut-in N] "
	    "[--corrupt KINDS] [--corrupt-every N]\n"
	    "\t[--timeout MS] [--tries N] [--window N] [--chunk BYTES] "
	    "PATH\n");
	exit(1);
}

static unsigned long
emu_num(const char *s, const char *opt, unsigned long lo, unsigned long hi)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		emu_die("--%s: %s is not a number from %lu to %lu", opt, s, lo,
		    hi);
	return v;
}

static void
emu_args(struct emu *e, int argc, char **argv)
{
	int c, baud = 115200, throttle = 0;
	unsigned long cut = 0, cut_in = 0;

	while ((c = getopt_long(argc, argv, "s:v", emu_options, NULL)) != -1) {
		switch (c) {
		case 's': e->dir = optarg; break;
		case 'v': e->l.verbose++; break;
		case 'D': e->device = optarg; break;
		case 'C': e->collector = optarg; break;
		case 'r': e->reports = emu_num(optarg, "reports", 0, 100000); break;
		case 'p': e->photos = emu_num(optarg, "photos", 0,
		    CRADLE_PHOTOS_MAX); break;
		case 'P': e->photo_size = emu_num(optarg, "photo-size", 16,
		    CRADLE_PHOTO_SIZE_MAX); break;
		case 'L': e->places_file = optarg; break;
		case 'K': e->classes = optarg; break;
		case 'T': e->track_fixes = emu_num(optarg, "track-fixes", 0,
		    100000); break;
		case 'B': e->bad_every = emu_num(optarg, "bad-every", 1,
		    1000000); break;
		case 'S': e->seed = emu_num(optarg, "seed", 0, UINT32_MAX);
			e->seed_given = 1; break;
		case 'A':
			if (strcmp(optarg, "yes") != 0 && strcmp(optarg, "no") != 0)
				emu_die("--answer: yes or no");
			e->answer = optarg;
			break;
		case 'N': e->download = 0; break;
		case 'b': baud = emu_num(optarg, "baud", 1, 4000000); break;
		case 't': throttle = emu_num(optarg, "throttle", 300, 4000000);
			break;
		case 'c': cut = emu_num(optarg, "cut-at", 1, ~0UL); break;
		case 'i': cut_in = emu_num(optarg, "cut-in", 1, ~0UL); break;
		case 'x':
			if (emu_corrupt_parse(optarg, &e->l.corrupt_kinds) != 0)
				emu_die("--corrupt: %s: not of bitflip, truncate,"
				    " length, long, crc, noise, all", optarg);
			break;
		case 'X': e->l.corrupt_every = emu_num(optarg, "corrupt-every",
		    1, 1000000); break;
		case 'o': e->timeout = emu_num(optarg, "timeout", 10, 600000);
			break;
		case 'y': e->tries = emu_num(optarg, "tries", 1, 1000); break;
		case 'w': e->window = emu_num(optarg, "window", 1,
		    CRADLE_WINDOW_MAX); break;
		case 'k': e->chunk = emu_num(optarg, "chunk", 1,
		    CRADLE_PHOTO_CHUNK_MAX); break;
		default: emu_usage();
		}
	}
	if (e->dir == NULL || optind != argc - 1)
		emu_usage();
	if (emu_speed(baud) < 0)
		emu_die("--baud: %d is not a speed termios knows", baud);
	if (emu_line_open(&e->l, argv[optind], baud) != 0)
		emu_die("%s: %s", argv[optind], strerror(errno));
	e->l.rate = throttle / 10.0;
	e->l.cut_at = cut;
	e->l.cut_in = cut_in;
	e->l.rng = e->seed ^ 0xc0ffee;
}

int
main(int argc, char **argv)
{
	static struct emu e = {
		.device = "CGT-0001", .collector = "C001", .reports = 10,
		.photos = 1, .photo_size = 204800, .track_fixes = 120,
		.bad_every = 17, .download = 1, .timeout = 2000, .tries = 5,
		.window = CRADLE_WINDOW_MAX,
		.classes = "event:0101,event:0102,event:0103,event:0104,"
		    "event:0105,event:0106",
		.l = { .fd = -1, .who = "device", .corrupt_every = 10 },
	};
	char *unit;

	setvbuf(stdout, NULL, _IOLBF, 0);
	emu_args(&e, argc, argv);
	e.wait = e.timeout;
	unit = emu_path(&e, "unit");
	if (access(unit, F_OK) != 0)
		emu_create(&e);
	else
		emu_load(&e);
	free(unit);

	emu_hello(&e);
	emu_clock(&e);
	emu_records(&e);
	emu_tracks(&e);
	if (e.download) {
		emu_downloads(&e);
		if (e.answer != NULL && emu_answer(&e) > 0)
			emu_records(&e);
	}
	emu_bye(&e);
	emu_report(&e);
	emu_line_close(&e.l);
	return 0;
}
