/*
 * widget-cmdline.c: the : line.  A prompt on the bottom line takes a
 * command of citygrid(1), "case dispatch E0102... --department HWZX",
 * or a verb of case alone, "dispatch E0102...".  Tab completes the
 * noun, the verb and an option's name from cli_table[]; Enter parses
 * the words with the CLI's own parser (cli_command, cli_parse) and sends
 * the request on the console's connection; the result, the daemon's
 * error or the usage goes to the status line.
 */
#include <stdlib.h>
#include <string.h>

#include "console.h"

struct cmdline {
	char	*last;		/* the line at the last Tab that did nothing */
};

struct cmdline_req {		/* what the reply needs */
	struct console	*con;
	const struct cli_entry *e;
	json_t		*args;		/* until sent */
	const struct cli_opt *media;	/* the option whose photos are being sent */
};

static void	cmdline_send_media(struct cmdline_req *);

/*
 * Split a line into words at blanks; "double quotes" keep blanks and
 * \" or \\ inside them.  The number of words, or -1 for an open quote.
 * The words (and the array, NULL-ended) are the caller's.
 */
int
cmdline_split(const char *line, char ***argvp)
{
	char **argv = xcalloc(1, sizeof *argv), *w = xmalloc(strlen(line) + 1);
	int argc = 0, quoted = 0, in_word = 0;
	size_t n = 0;
	const char *p;

	for (p = line;; p++) {
		if (*p == '\0' || (!quoted && (*p == ' ' || *p == '\t'))) {
			if (in_word) {
				w[n] = '\0';
				argv = xreallocarray(argv, argc + 2, sizeof *argv);
				argv[argc++] = xstrdup(w);
				argv[argc] = NULL;
			}
			in_word = 0;
			n = 0;
			if (*p == '\0')
				break;
			continue;
		}
		in_word = 1;
		if (*p == '"')
			quoted = !quoted;
		else if (quoted && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
			w[n++] = *++p;
		else
			w[n++] = *p;
	}
	free(w);
	*argvp = argv;
	if (quoted) {
		while (argc > 0)
			free(argv[--argc]);
		free(argv);
		*argvp = NULL;
		return -1;
	}
	return argc;
}

static void
cmdline_argv_free(char **argv)
{
	char **a;

	for (a = argv; a != NULL && *a != NULL; a++)
		free(*a);
	free(argv);
}

/* Is the word a command's noun?  Else a verb of case may stand alone. */
static int
cmdline_is_noun(const char *word)
{
	return cli_find(word, NULL) != NULL;
}

/* Add a candidate once. */
static void
cmdline_add(const char ***c, size_t *n, const char *word, const char *prefix)
{
	size_t i;

	if (word == NULL || strncmp(word, prefix, strlen(prefix)) != 0)
		return;
	for (i = 0; i < *n; i++) {
		if (strcmp((*c)[i], word) == 0)
			return;
	}
	*c = xreallocarray(*c, *n + 1, sizeof **c);
	(*c)[(*n)++] = word;
}

/*
 * What the word at index i may be, given the words before it: a noun
 * or a verb of case, a verb, or with opt the name of an option (prefix
 * without its dashes).
 */
static size_t
cmdline_candidates(char **argv, int i, const char *prefix, int opt,
    const char ***c)
{
	const struct cli_entry *e;
	const struct cli_opt *o;
	size_t n = 0;

	*c = NULL;
	if (i == 0) {
		for (e = cli_table; e->noun != NULL; e++) {
			cmdline_add(c, &n, e->noun, prefix);
			if (strcmp(e->noun, "case") == 0)
				cmdline_add(c, &n, e->verb, prefix);
		}
	} else if (i == 1 && !opt && cmdline_is_noun(argv[0])) {
		for (e = cli_table; e->noun != NULL; e++) {
			if (strcmp(e->noun, argv[0]) == 0)
				cmdline_add(c, &n, e->verb, prefix);
		}
	} else if (opt) {
		if (!cmdline_is_noun(argv[0]))
			e = cli_find("case", argv[0]);
		else if ((e = cli_find(argv[0], NULL)) != NULL && e->verb != NULL)
			e = cli_find(argv[0], argv[1]);
		for (o = e != NULL ? e->opts : NULL; o != NULL && o->name != NULL; o++) {
			if (!(o->flags & CLI_POS))
				cmdline_add(c, &n, o->name, prefix);
		}
	}
	return n;
}

/*
 * The line with its last word completed as far as the candidates agree
 * (and a blank after one that is whole), or NULL if nothing can be
 * added; then *list is the candidates, "dispatch deny", or NULL.
 * Option names are completed with their "--".  Both are the caller's.
 */
char *
cmdline_complete(const char *line, char **list)
{
	const char *word = line + strlen(line), **c;
	char **argv, *out = NULL, *all;
	size_t n, i, common, len;
	int argc, opt;

	*list = NULL;
	while (word > line && word[-1] != ' ' && word[-1] != '\t')
		word--;
	if (*word == '"' || (argc = cmdline_split(line, &argv)) < 0)
		return NULL;
	if (*word != '\0')
		argc--;		/* the last word is the one to complete */
	opt = word[0] == '-' ? (word[1] == '-' ? 2 : 1) : 0;
	n = cmdline_candidates(argv, argc, word + opt, opt, &c);
	len = strlen(word + opt);
	if (n == 0)
		goto done;
	common = strlen(c[0]);
	for (i = 1; i < n; i++) {
		while (strncmp(c[0], c[i], common) != 0)
			common--;
	}
	if (n == 1 || common > len) {
		xasprintf(&out, "%.*s%s%.*s%s", (int)(word - line), line,
		    opt ? "--" : "", (int)common, c[0], n == 1 ? " " : "");
		goto done;
	}
	all = xstrdup("");
	for (i = 0; i < n; i++) {
		xasprintf(list, "%s%s%s%s", all, i > 0 ? " " : "",
		    opt ? "--" : "", c[i]);
		free(all);
		all = *list;
	}
done:
	free(c);
	cmdline_argv_free(argv);
	return out;
}

static char *
cmdline_tab(struct console *con, const char *line, void *arg)
{
	struct cmdline *cl = arg;
	char *done, *list;

	if ((done = cmdline_complete(line, &list)) != NULL) {
		free(list);
		return done;
	}
	if (list != NULL && cl->last != NULL && strcmp(cl->last, line) == 0)
		prompt_set_hint(con->prompt, list);	/* the second Tab */
	else if (list == NULL)
		prompt_set_hint(con->prompt, "(无可补全)");
	free(cl->last);
	cl->last = xstrdup(line);
	free(list);
	return NULL;
}

/* What the CLI wrote for people, on one line: "case urge: 缺少 CASE  usage: ...". */
static void
cmdline_show(struct console *con, char *text)
{
	char *p, *s = text;

	if (strncmp(s, "citygrid: ", 10) == 0)
		s += 10;
	while ((p = strchr(s, '\n')) != NULL)
		*p = p[1] != '\0' ? ' ' : '\0';
	console_message(con, "%s", s);
}

static void
cmdline_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct cmdline_req *r = arg;
	const char *no = json_string_value(json_object_get(result, "case"));

	if (result == NULL)
		console_message(r->con, "%s 未完成: %s", cli_help_name(r->e),
		    err->message);
	else if (no != NULL && json_object_get(result, "state") != NULL)
		console_message(r->con, "案卷 %s: %s完成, 状态 %s", no,
		    json_string_value(json_object_get(result, "label")),
		    json_string_value(json_object_get(result, "state")));
	else if (json_is_array(result))
		console_message(r->con, "%s: %zu 条 (citygrid %s 可看全部)",
		    r->e->label, json_array_size(result), cli_help_name(r->e));
	else if ((no = json_string_value(json_object_get(result, "case_no"))) != NULL)
		console_message(r->con, "%s完成: %s", r->e->label, no);
	else
		console_message(r->con, "%s完成", r->e->label);
	free(r);
}

/* Parse and send; what went wrong is said on the status line. */
static void
cmdline_run(struct console *con, int argc, char **argv)
{
	struct cmdline_req *r;
	const struct cli_entry *e;
	json_t *args = json_object();
	char *text = NULL;
	size_t len;
	int skip, json = 0, rc = 1;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		fatal("open_memstream");
	if ((e = cli_command(argc, argv, &skip, f)) != NULL && e->run != NULL)
		fprintf(f, "%s 在控制台里不能用, 请用 citygrid(1)\n", cli_help_name(e));
	else if (e != NULL)
		rc = cli_parse(e, argc - skip, argv + skip, args, &json, f, f);
	fclose(f);
	if (rc != 0) {
		cmdline_show(con, text);
		json_decref(args);
	} else {
		r = xcalloc(1, sizeof *r);
		r->con = con;
		r->e = e;
		r->args = args;
		cmdline_send_media(r);
	}
	free(text);
}

/* Send the request, its args now all hashes. */
static void
cmdline_send(struct cmdline_req *r)
{
	struct console *con = r->con;

	if (conn_request(con->conn, r->e->op, r->args, cmdline_done, r) != 0) {
		console_message(con, "未连接 citygridd, %s 未发出",
		    cli_help_name(r->e));
		free(r);
	} else
		console_message(con, "%s…", cli_help_name(r->e));
}

static void
cmdline_media_sent(json_t *hashes, const char *error, void *arg)
{
	struct cmdline_req *r = arg;

	if (hashes == NULL) {
		console_message(r->con, "%s 未发出: %s", cli_help_name(r->e), error);
		json_decref(r->args);
		free(r);
		return;
	}
	json_object_set(r->args, r->media->arg, hashes);
	cmdline_send_media(r);
}

/* Photo files given to an option first go to the store (media.c). */
static void
cmdline_send_media(struct cmdline_req *r)
{
	const struct cli_opt *o = r->media != NULL ? r->media + 1 : r->e->opts;
	json_t *list, *v;
	size_t i;

	for (; o->name != NULL; o++) {
		if (!(o->flags & CLI_MEDIA) ||
		    (list = json_object_get(r->args, o->arg)) == NULL)
			continue;
		json_array_foreach(list, i, v) {
			if (json_is_string(v) && !media_is_hash(json_string_value(v))) {
				r->media = o;
				console_message(r->con, "照片上传中…");
				media_put_async(r->con->conn, list, cmdline_media_sent, r);
				return;
			}
		}
	}
	cmdline_send(r);
}

static void
cmdline_answer(struct console *con, const char *line, void *arg)
{
	struct cmdline *cl = arg;
	char **argv, **words;
	int argc;

	free(cl->last);
	free(cl);
	if (line == NULL)
		return;
	if ((argc = cmdline_split(line, &words)) < 0) {
		console_message(con, "引号不成对: %s", line);
		return;
	}
	if (argc == 0)
		goto done;
	argv = xcalloc(argc + 2, sizeof *argv);
	argv[0] = "case";	/* "dispatch E0102...": case dispatch */
	memcpy(argv + 1, words, argc * sizeof *argv);
	if (!cmdline_is_noun(words[0]) && cli_find("case", words[0]) != NULL)
		cmdline_run(con, argc + 1, argv);
	else
		cmdline_run(con, argc, argv + 1);
	free(argv);
done:
	cmdline_argv_free(words);
}

/* The : key: the line, over the status line until Enter or Escape. */
void
cmdline_open(struct console *con)
{
	struct cmdline *cl;

	if (con->prompt != NULL)
		return;
	cl = xcalloc(1, sizeof *cl);
	con->prompt = prompt_new(":", cmdline_answer, cl);
	prompt_set_complete(con->prompt, cmdline_tab);
}
