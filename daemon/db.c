/*
 * db.c: PostgreSQL, asynchronously, inside the event loop.
 *
 * A small pool of connections runs queries one at a time each, driven
 * by events on PQsocket(): PQsendQueryParams, PQflush while it says 1,
 * PQconsumeInput and PQgetResult until NULL.  Nothing here blocks.  Each
 * statement is prepared once per connection, the first time it runs
 * there (the SQL texts are static, so their address names them).  One
 * more connection LISTENs for changes made by anyone.  A connection
 * that breaks fails its query and reconnects with backoff; while no
 * connection is up, db_query() refuses work at once instead of queueing
 * it (the caller tells its client E_DB).
 */
#include <stdlib.h>
#include <string.h>

#include "citygridd.h"

enum db_conn_state { DB_DOWN, DB_CONNECTING, DB_IDLE, DB_BUSY };

#define DB_MAX_PREPARED 64	/* statements kept prepared per connection */

struct db_query {
	const char		*key;		/* the caller's static SQL text */
	char			*sql;
	int			 nparams;
	char			**params;
	db_cb			 cb;
	void			*arg;
	TAILQ_ENTRY(db_query)	 entry;
};

struct db_conn {
	int			 index;
	int			 listener;	/* the LISTEN connection */
	enum db_conn_state	 state;
	PGconn			*pg;
	struct event		*ev;		/* socket readiness */
	struct event		*retry;		/* reconnect timer */
	int			 backoff;	/* seconds, doubled up to the max */
	struct db_query		*q;		/* running */
	PGresult		*result;	/* last result of q */
	int			 preparing;	/* q's statement is being prepared */
	const char		*prepared[DB_MAX_PREPARED];
	int			 nprepared;
};

static struct db_conn	*conns;
static int		 nconns;
static char		*conninfo;
static int		 backoff_max;
static db_notify_cb	 notify_cb;
static db_state_cb	 state_cb;
static int		 was_available;
static char		 server_version[32];
static TAILQ_HEAD(, db_query) queue = TAILQ_HEAD_INITIALIZER(queue);
static size_t		 nqueued;

static void	db_connect(struct db_conn *);
static void	db_event(evutil_socket_t, short, void *);
static void	db_next(void);
static int	db_send(struct db_conn *);

static void
db_query_free(struct db_query *q)
{
	int i;

	for (i = 0; i < q->nparams; i++)
		free(q->params[i]);
	free(q->params);
	free(q->sql);
	free(q);
}

/* Tell the owner when the first connection comes up or the last goes. */
static void
db_state_changed(void)
{
	int now = db_available();

	if (now != was_available) {
		was_available = now;
		log_info("database %s", now ? "available" : "unavailable");
		if (state_cb != NULL)
			state_cb(now);
	}
}

static void
db_watch(struct db_conn *c, short what)
{
	if (c->ev != NULL)
		event_free(c->ev);
	c->ev = event_new(base, PQsocket(c->pg), what, db_event, c);
	event_add(c->ev, NULL);
}

static void
db_retry(evutil_socket_t fd, short what, void *arg)
{
	db_connect(arg);
}

/* Drop a connection: fail its query, retry later. */
static void
db_down(struct db_conn *c, const char *why)
{
	struct db_query *q = c->q;
	struct timeval tv;

	if (c->state != DB_DOWN)
		log_warn("db[%d]: connection lost: %s", c->index, why);
	if (c->ev != NULL) {
		event_free(c->ev);
		c->ev = NULL;
	}
	if (c->pg != NULL) {
		PQfinish(c->pg);
		c->pg = NULL;
	}
	if (c->result != NULL) {
		PQclear(c->result);
		c->result = NULL;
	}
	c->state = DB_DOWN;
	c->q = NULL;
	c->preparing = 0;
	c->nprepared = 0;
	if (q != NULL) {
		q->cb(NULL, "数据库连接中断, 操作结果未知, 请刷新后查看", q->arg);
		db_query_free(q);
	}
	db_state_changed();
	/* No connection left: queued work fails now, it is not kept. */
	if (!db_available()) {
		while ((q = TAILQ_FIRST(&queue)) != NULL) {
			TAILQ_REMOVE(&queue, q, entry);
			nqueued--;
			q->cb(NULL, "数据库不可用", q->arg);
			db_query_free(q);
		}
	}
	if (c->retry == NULL)
		c->retry = evtimer_new(base, db_retry, c);
	tv.tv_sec = c->backoff;
	tv.tv_usec = 0;
	evtimer_add(c->retry, &tv);
	c->backoff = c->backoff == 0 ? 1 : c->backoff * 2;
	if (c->backoff > backoff_max)
		c->backoff = backoff_max;
}

static void
db_connect(struct db_conn *c)
{
	c->pg = PQconnectStart(conninfo);
	if (c->pg == NULL)
		fatalx("PQconnectStart: out of memory");
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		db_down(c, PQerrorMessage(c->pg));
		return;
	}
	PQsetnonblocking(c->pg, 1);
	c->state = DB_CONNECTING;
	db_watch(c, EV_WRITE);
}

static void
db_connected(struct db_conn *c)
{
	log_info("db[%d]: connected%s (server %d)", c->index,
	    c->listener ? ", listening" : "", PQserverVersion(c->pg));
	snprintf(server_version, sizeof server_version, "%d", PQserverVersion(c->pg));
	c->backoff = 0;
	if (c->listener) {
		c->state = DB_BUSY;
		if (!PQsendQuery(c->pg, "LISTEN cg_case; LISTEN cg_log")) {
			db_down(c, PQerrorMessage(c->pg));
			return;
		}
		db_watch(c, EV_READ | EV_PERSIST);
		return;
	}
	c->state = DB_IDLE;
	db_watch(c, EV_READ | EV_PERSIST);
	db_state_changed();
	db_next();
}

static void
db_poll_connect(struct db_conn *c)
{
	switch (PQconnectPoll(c->pg)) {
	case PGRES_POLLING_READING:
		db_watch(c, EV_READ);
		break;
	case PGRES_POLLING_WRITING:
		db_watch(c, EV_WRITE);
		break;
	case PGRES_POLLING_OK:
		db_connected(c);
		break;
	default:
		db_down(c, PQerrorMessage(c->pg));
		break;
	}
}

static void
db_notifies(struct db_conn *c)
{
	PGnotify *n;

	while ((n = PQnotifies(c->pg)) != NULL) {
		if (notify_cb != NULL)
			notify_cb(n->relname, n->extra);
		PQfreemem(n);
	}
}

/* Read what the server sent; finish the query when it is complete. */
static void
db_read(struct db_conn *c)
{
	PGresult *res;
	struct db_query *q;

	if (!PQconsumeInput(c->pg)) {
		db_down(c, PQerrorMessage(c->pg));
		return;
	}
	while (c->state == DB_BUSY && !PQisBusy(c->pg)) {
		if ((res = PQgetResult(c->pg)) != NULL) {
			if (c->result != NULL)
				PQclear(c->result);
			c->result = res;
			continue;
		}
		if (c->preparing) {	/* prepared: now run it, or report why not */
			c->preparing = 0;
			res = c->result;
			c->result = NULL;
			if (PQresultStatus(res) == PGRES_COMMAND_OK) {
				PQclear(res);
				c->prepared[c->nprepared++] = c->q->key;
				if (db_send(c) != 0) {
					db_down(c, PQerrorMessage(c->pg));
					return;
				}
				continue;
			}
			c->result = res;	/* the error goes to the caller */
		}
		q = c->q;
		c->q = NULL;
		res = c->result;
		c->result = NULL;
		c->state = DB_IDLE;
		if (c->listener) {	/* LISTEN done */
			if (PQresultStatus(res) != PGRES_COMMAND_OK)
				log_error("LISTEN: %s", PQresultErrorMessage(res));
			db_state_changed();
			if (state_cb != NULL)	/* changes may have been missed */
				state_cb(2);
		} else if (q != NULL) {
			q->cb(res, NULL, q->arg);
			db_query_free(q);
		}
		PQclear(res);
		if (c->pg == NULL)	/* the callback's next query failed */
			return;
	}
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		db_down(c, PQerrorMessage(c->pg));
		return;
	}
	db_notifies(c);
	if (c->state == DB_IDLE && !c->listener)
		db_next();
}

static void
db_event(evutil_socket_t fd, short what, void *arg)
{
	struct db_conn *c = arg;

	if (c->state == DB_CONNECTING) {
		db_poll_connect(c);
		return;
	}
	if (what & EV_WRITE) {
		switch (PQflush(c->pg)) {
		case 0:
			db_watch(c, EV_READ | EV_PERSIST);
			break;
		case 1:
			return;
		default:
			db_down(c, PQerrorMessage(c->pg));
			return;
		}
	}
	if (what & EV_READ)
		db_read(c);
}

/* The statement's index on this connection, or -1 if not prepared. */
static int
db_prepared(struct db_conn *c, const char *key)
{
	int i;

	for (i = 0; i < c->nprepared; i++) {
		if (c->prepared[i] == key)
			return i;
	}
	return -1;
}

/*
 * Send the connection's query: prepare its statement first if this
 * connection has not, else run it.  -1 if the connection failed.
 */
static int
db_send(struct db_conn *c)
{
	struct db_query *q = c->q;
	char name[16];
	int i, sent;

	if ((i = db_prepared(c, q->key)) >= 0) {
		snprintf(name, sizeof name, "s%d", i);
		sent = PQsendQueryPrepared(c->pg, name, q->nparams,
		    (const char *const *)q->params, NULL, NULL, 0);
	} else if (c->nprepared < DB_MAX_PREPARED) {
		snprintf(name, sizeof name, "s%d", c->nprepared);
		c->preparing = 1;
		sent = PQsendPrepare(c->pg, name, q->sql, q->nparams, NULL);
	} else {
		sent = PQsendQueryParams(c->pg, q->sql, q->nparams, NULL,
		    (const char *const *)q->params, NULL, NULL, 0);
	}
	if (!sent)
		return -1;
	switch (PQflush(c->pg)) {
	case 0:
		return 0;
	case 1:
		db_watch(c, EV_READ | EV_WRITE | EV_PERSIST);
		return 0;
	default:
		return -1;
	}
}

/* Start queued queries on idle connections. */
static void
db_next(void)
{
	struct db_conn *c;
	struct db_query *q;
	int i;

	for (i = 0; i < nconns && !TAILQ_EMPTY(&queue); i++) {
		c = &conns[i];
		if (c->listener || c->state != DB_IDLE)
			continue;
		q = TAILQ_FIRST(&queue);
		TAILQ_REMOVE(&queue, q, entry);
		nqueued--;
		c->q = q;
		c->state = DB_BUSY;
		if (db_send(c) != 0)
			db_down(c, PQerrorMessage(c->pg));
	}
}

/*
 * Queue a query with text parameters (NULL is SQL NULL).  sql must be a
 * static string: its address names the prepared statement.  The callback
 * gets the result, or NULL and a message when the connection failed;
 * the result is cleared after it returns.  Returns -1 at once, without
 * calling back, when the database is unavailable.
 */
static int
db_query_add(const char *sql, int nparams, const char *const *params, db_cb cb,
    void *arg, int urgent)
{
	struct db_query *q;
	int i;

	if (!db_available())
		return -1;
	q = xcalloc(1, sizeof *q);
	q->key = sql;
	q->sql = xstrdup(sql);
	q->nparams = nparams;
	if (nparams > 0) {
		q->params = xcalloc(nparams, sizeof *q->params);
		for (i = 0; i < nparams; i++)
			q->params[i] = params[i] ? xstrdup(params[i]) : NULL;
	}
	q->cb = cb;
	q->arg = arg;
	if (urgent)
		TAILQ_INSERT_HEAD(&queue, q, entry);
	else
		TAILQ_INSERT_TAIL(&queue, q, entry);
	nqueued++;
	db_next();
	return 0;
}

int
db_query(const char *sql, int nparams, const char *const *params, db_cb cb,
    void *arg)
{
	return db_query_add(sql, nparams, params, cb, arg, 0);
}

/* Ahead of the queue: reads that feed pushes must not wait behind work. */
int
db_query_urgent(const char *sql, int nparams, const char *const *params,
    db_cb cb, void *arg)
{
	return db_query_add(sql, nparams, params, cb, arg, 1);
}

int
db_available(void)
{
	int i;

	for (i = 0; i < nconns; i++) {
		if (!conns[i].listener &&
		    (conns[i].state == DB_IDLE || conns[i].state == DB_BUSY))
			return 1;
	}
	return 0;
}

size_t
db_queued(void)
{
	return nqueued;
}

const char *
db_server_version(void)
{
	return server_version;
}

void
db_init(const char *info, int pool, int maxwait, db_notify_cb ncb,
    db_state_cb scb)
{
	int i;

	conninfo = xstrdup(info);
	backoff_max = maxwait > 0 ? maxwait : 10;
	notify_cb = ncb;
	state_cb = scb;
	nconns = pool + 1;
	conns = xcalloc(nconns, sizeof *conns);
	for (i = 0; i < nconns; i++) {
		conns[i].index = i;
		conns[i].listener = (i == 0);
		db_connect(&conns[i]);
	}
}

void
db_shutdown(void)
{
	struct db_query *q;
	int i;

	for (i = 0; i < nconns; i++) {
		if (conns[i].ev != NULL)
			event_free(conns[i].ev);
		if (conns[i].retry != NULL)
			event_free(conns[i].retry);
		if (conns[i].q != NULL)
			db_query_free(conns[i].q);
		if (conns[i].result != NULL)
			PQclear(conns[i].result);
		if (conns[i].pg != NULL)
			PQfinish(conns[i].pg);
	}
	while ((q = TAILQ_FIRST(&queue)) != NULL) {
		TAILQ_REMOVE(&queue, q, entry);
		db_query_free(q);
	}
	free(conns);
	free(conninfo);
	conns = NULL;
	nconns = 0;
}

/* A result as an array of objects, typed by column: numbers, booleans, JSON. */
json_t *
db_result_json(PGresult *res)
{
	json_t *rows = json_array(), *row, *v;
	json_error_t jerr;
	const char *s;
	int i, j;

	for (i = 0; i < PQntuples(res); i++) {
		row = json_object();
		for (j = 0; j < PQnfields(res); j++) {
			s = PQgetvalue(res, i, j);
			if (PQgetisnull(res, i, j)) {
				v = json_null();
			} else {
				switch (PQftype(res, j)) {
				case 16:	/* bool */
					v = json_boolean(*s == 't');
					break;
				case 20: case 21: case 23: case 26:
					v = json_integer(strtoll(s, NULL, 10));
					break;
				case 700: case 701: case 1700:
					v = json_real(strtod(s, NULL));
					break;
				case 114: case 3802:	/* json, jsonb */
					if ((v = json_loads(s, JSON_DECODE_ANY, &jerr)) == NULL)
						v = json_string(s);
					break;
				default:
					v = json_string(s);
					break;
				}
			}
			json_object_set_new(row, PQfname(res, j), v);
		}
		json_array_append_new(rows, row);
	}
	return rows;
}
