/*
 * cli-help.c: what the command table says to people: the usage of a
 * command, the options of a noun's verbs, the one-line list of
 * citygrid --help, and the COMMANDS list of citygrid.1 in mdoc.
 */
#include <stdlib.h>
#include <string.h>

#include "citygrid.h"

/* "case dispatch" or "watch". */
const char *
cli_help_name(const struct cli_entry *e)
{
	static char buf[64];

	snprintf(buf, sizeof buf, "%s%s%s", e->noun, e->verb ? " " : "",
	    e->verb ? e->verb : "");
	return buf;
}

/* One option as the usage shows it: --reason TEXT. */
static const char *
cli_help_opt_text(const struct cli_opt *o)
{
	static char buf[128];

	if (o->flags & CLI_POS)
		snprintf(buf, sizeof buf, "%s", o->name);
	else if (o->meta == NULL)
		snprintf(buf, sizeof buf, "--%s", o->name);
	else
		snprintf(buf, sizeof buf, "--%s %s", o->name, o->meta);
	return buf;
}

void
cli_help_usage_line(FILE *f, const struct cli_entry *e)
{
	const struct cli_opt *o;

	fprintf(f, "citygrid %s", cli_help_name(e));
	for (o = e->opts; o->name != NULL; o++) {
		if (o->flags & CLI_REQ)
			fprintf(f, " %s", cli_help_opt_text(o));
		else
			fprintf(f, " [%s]", cli_help_opt_text(o));
	}
	fputc('\n', f);
}

/* An option's help, with its default. */
static char *
cli_help_opt(const struct cli_opt *o)
{
	char *text;

	if (o->def != NULL)
		xasprintf(&text, "%s (默认 %s)", o->help, o->def);
	else
		text = xstrdup(o->help);
	return text;
}

void
cli_help_entry(FILE *f, const struct cli_entry *e)
{
	const struct cli_opt *o;
	char *text;

	fputs("usage: ", f);
	cli_help_usage_line(f, e);
	fprintf(f, "%s (%s): %s\n", e->label, e->roles, e->help);
	for (o = e->opts; o->name != NULL; o++) {
		text = cli_help_opt(o);
		fprintf(f, "  %-24s %s\n", cli_help_opt_text(o), text);
		free(text);
	}
}

void
cli_help_noun(FILE *f, const char *noun)
{
	const struct cli_entry *e;
	int first = 1;

	for (e = cli_table; e->noun != NULL; e++) {
		if (strcmp(e->noun, noun) != 0)
			continue;
		if (!first)
			fputc('\n', f);
		cli_help_entry(f, e);
		first = 0;
	}
}

/* One line a command, for citygrid --help. */
static void
cli_help_commands(FILE *f)
{
	const struct cli_entry *e;
	char name[64];

	for (e = cli_table; e->noun != NULL; e++) {
		if (e != cli_table && strcmp(e[-1].noun, e->noun) != 0)
			fputc('\n', f);
		snprintf(name, sizeof name, "%s", cli_help_name(e));
		fprintf(f, "  %-18s %s: %s\n", name, e->label, e->help);
	}
}

void
cli_help_usage(FILE *f)
{
	fprintf(f,
	    "usage: citygrid [-S socket] [--json] command [arguments]\n"
	    "       citygrid -h | -V\n"
	    "  -S socket      citygridd 的 socket (默认 $CITYGRID_SOCKET, 或 %s)\n"
	    "  --json         结果以 JSON 输出, 供脚本使用\n"
	    "  -h, --help     列出命令\n"
	    "  -V, --version  显示版本\n"
	    "\n命令 (citygrid help NOUN 或 citygrid NOUN --help 列出选项):\n",
	    CITYGRID_SOCKET_DEFAULT);
	cli_help_commands(f);
}

/* Text for a line of mdoc: nothing a roff reader takes for a request. */
static void
cli_help_mdoc_text(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else
			fputc(*s, f);
	}
	fputc('\n', f);
}

static void
cli_help_mdoc_opt(FILE *f, const struct cli_opt *o)
{
	if (o->flags & CLI_POS)
		fprintf(f, "Ar %s", o->name);
	else if (o->meta == NULL)
		fprintf(f, "Fl Fl %s", o->name);
	else
		fprintf(f, "Fl Fl %s Ar %s", o->name, o->meta);
}

static void
cli_help_mdoc_entry(FILE *f, const struct cli_entry *e)
{
	const struct cli_opt *o;
	char *text;

	fprintf(f, ".It Xo\n.Ic %s\n", cli_help_name(e));
	for (o = e->opts; o->name != NULL; o++) {
		fputs((o->flags & CLI_REQ) ? "." : ".Op ", f);
		cli_help_mdoc_opt(f, o);
		fputc('\n', f);
	}
	fputs(".Xc\n", f);
	xasprintf(&text, "%s (%s): %s", e->label, e->roles, e->help);
	cli_help_mdoc_text(f, text);
	free(text);
	if (e->opts->name == NULL)
		return;
	fputs(".Bl -tag -width Ds -compact\n", f);
	for (o = e->opts; o->name != NULL; o++) {
		fputs(".It ", f);
		cli_help_mdoc_opt(f, o);
		fputc('\n', f);
		text = cli_help_opt(o);
		cli_help_mdoc_text(f, text);
		free(text);
	}
	fputs(".El\n", f);
}

/* The COMMANDS list of citygrid.1, from the table. */
static void
cli_help_mdoc(FILE *f)
{
	const struct cli_entry *e;

	fputs(".Bl -tag -width Ds\n", f);
	for (e = cli_table; e->noun != NULL; e++)
		cli_help_mdoc_entry(f, e);
	fputs(".El\n", f);
}

/* citygrid help [NOUN [VERB]] | --mdoc */
int
cli_help_main(int argc, char **argv)
{
	const struct cli_entry *e;

	if (argc == 0) {
		cli_help_usage(stdout);
		return 0;
	}
	if (strcmp(argv[0], "--mdoc") == 0) {
		cli_help_mdoc(stdout);
		return 0;
	}
	if ((e = cli_find(argv[0], argc > 1 ? argv[1] : NULL)) == NULL) {
		fprintf(stderr, "citygrid: help: 没有命令 %s%s%s\n", argv[0],
		    argc > 1 ? " " : "", argc > 1 ? argv[1] : "");
		return EXIT_USAGE;
	}
	if (argc > 1)
		cli_help_entry(stdout, e);
	else
		cli_help_noun(stdout, argv[0]);
	return 0;
}

