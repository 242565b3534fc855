/*
 * console.h: the role consoles (citygrid dispatch ...), on ncursesw and
 * the libevent loop.  Prototypes grouped under the file they live in.
 * Kept apart from citygrid.h, which the command-line side owns, so the
 * two can change without touching each other; it includes it.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <curses.h>
#include <event2/event.h>

#include "citygrid.h"

enum keymap_action;

/* console.c: the loop every console runs; redraws once per turn. */
struct view;
struct console {
	struct event_base	*base;
	struct conn		*conn;
	const struct view	*view;		/* the role's view */
	void			*state;		/* the view's own */
	struct keymap		*keymap;
	struct status		*status;
	struct prompt		*prompt;	/* a one-line question, or NULL */
	struct detail		*detail;	/* a case's pane over the view, or NULL */
	int			 help;		/* the ? overlay is up */
	int			 dirty;		/* redraw after this turn */
	int			 quit;
};
struct view {
	const char	*name;		/* dispatch: the keymap file's name */
	const char	*role;		/* dispatcher: the watch's value */
	const char	*title;		/* 派遣 */
	const enum keymap_action *actions;	/* for ?, ending in ACT_NONE */
	void		*(*open)(struct console *);
	void		 (*close)(void *);
	void		 (*up)(struct console *, void *);	/* (re)connected */
	void		 (*event)(struct console *, void *, json_t *);
	int		 (*action)(struct console *, void *, int);	/* 0: not its */
	void		 (*draw)(struct console *, void *, WINDOW *);
	void		 (*tick)(struct console *, void *);	/* each 15 s */
	/* Every key first, while the view has a form up; 0: not taken. */
	int		 (*key)(struct console *, void *, wint_t, int);
};
int	 console_main(const char *, const char *);
void	 console_dirty(struct console *);
void	 console_message(struct console *, const char *, ...) CG_PRINTF(2, 3);

/* tty.c: the terminal; colours with a monochrome fallback. */
enum tty_colour {
	TTY_NORMAL,
	TTY_OK,			/* in time: green, plain in monochrome */
	TTY_WARN,		/* past the warning: yellow, bold */
	TTY_LATE,		/* overdue: red, bold and underlined */
	TTY_BANNER,		/* the connection is lost: white on red, reverse */
	TTY_BAR,		/* title and status lines: reverse */
	TTY_HEADER,		/* column headers: bold */
	TTY_COUNT
};
void	 tty_start(void);
void	 tty_stop(void);
void	 tty_resize(void);
attr_t	 tty_attr(enum tty_colour);
void	 tty_put(WINDOW *, int, int, int, const char *, attr_t);
int	 tty_pair(int, int);
int	 tty_colour_count(void);

/* conn.c: the asynchronous connection to citygridd. */
struct conn;
struct conn_error {
	char	 code[16];	/* E_STATE ...; "E_LOCAL" when the link failed */
	char	 message[512];
};
enum conn_state { CONN_DOWN, CONN_CONNECTING, CONN_UP };
typedef void (*conn_reply_cb)(json_t *, const struct conn_error *, void *);
struct conn_callbacks {
	void	(*state)(struct conn *, enum conn_state, void *);
	void	(*event)(struct conn *, json_t *, void *);
	void	*arg;
};
struct conn *conn_new(struct event_base *, const char *,
	    const struct conn_callbacks *);
void	 conn_free(struct conn *);
enum conn_state conn_state(const struct conn *);
json_t	*conn_hello(const struct conn *);
const char *conn_error(const struct conn *);
int	 conn_retry_in(const struct conn *);
int	 conn_request(struct conn *, const char *, json_t *, conn_reply_cb,
	    void *);

/* widget-list.c: a list of rows in columns measured in display cells. */
struct list_col {
	const char	*header;
	int		 width;		/* cells; 0: shares what is left */
	int		 min_screen;	/* shown only on screens this wide */
};
struct list {
	const struct list_col	*cols;
	int			 ncols;
	int			 nrows;
	int			 sel;	/* the selected row, -1: none */
	int			 top;	/* the first row shown */
	int			 height; /* rows shown at the last draw */
};
/* The text and attribute of a cell; text NULL is "-". */
typedef const char *(*list_cell_cb)(void *, int, int, attr_t *);
void	 list_init(struct list *, const struct list_col *, int);
void	 list_set_rows(struct list *, int);
void	 list_move(struct list *, int);
void	 list_goto(struct list *, int);
void	 list_draw(struct list *, WINDOW *, list_cell_cb, void *);
int	 list_action(struct list *, int);

/*
 * caselist.c: a console's list of cases, read with case.list and kept
 * by pushes: the sort, the time left, the calendar, the batched reload.
 */
struct case_list_kind {
	const char	*states;	/* "filed,returned": asked for and kept */
	int		 limit;		/* case.list's */
	int		 flags;
#define CASE_LIST_OPEN		0x1	/* open cases only */
#define CASE_LIST_DEADLINE_FIRST 0x2	/* by deadline, then urgent */
#define CASE_LIST_ANNOUNCE	0x4	/* "新到: ..." for a new case */
	const char *const *kept;	/* a push lacks, kept; NULL-ended */
};
/* The columns every case list begins with; a view's own follow. */
enum case_col {
	CASE_COL_URGENT, CASE_COL_CASE, CASE_COL_STATE, CASE_COL_LEFT,
	CASE_COL_CLASS, CASE_COL_COMMON
};
#define CASE_LIST_COLS							\
	[CASE_COL_URGENT] =	{ "急", 2, 0 },				\
	[CASE_COL_CASE] =	{ "案卷号", 17, 0 },			\
	[CASE_COL_STATE] =	{ "状态", 8, 0 },			\
	[CASE_COL_LEFT] =	{ "剩余工时", 9, 0 },			\
	[CASE_COL_CLASS] =	{ "类别", 0, 0 }
struct case_list {
	struct console		*con;
	const struct case_list_kind *kind;
	json_t			*rows;		/* cases, in order */
	struct list		 list;
	struct worktime_calendar *cal;		/* for the time left */
	struct event		*reload_ev;	/* a coalesced case.list */
	int			 loading;	/* a case.list is out */
	int			 again;		/* and another is wanted */
	char			 cell[64];	/* the time left being drawn */
};
void	 case_list_init(struct case_list *, struct console *,
	    const struct case_list_kind *, const struct list_col *, int);
void	 case_list_free(struct case_list *);
void	 case_list_up(struct case_list *);
void	 case_list_watch(struct case_list *, const char *, const char *);
void	 case_list_reload(struct case_list *);
void	 case_list_event(struct case_list *, json_t *);
int	 case_list_action(struct case_list *, int);
json_t	*case_list_find(struct case_list *, json_int_t);
json_t	*case_list_selected(struct case_list *);
const char *case_list_left(struct case_list *, json_t *, attr_t *);
const char *case_list_cell(struct case_list *, json_t *, int, attr_t *);
void	 case_rows_sort(json_t *, struct list *, json_t **, size_t, int);
void	 case_step(struct console *, json_t *, const char *, const char *,
	    json_t *);

/* widget-status.c: the title, the disconnected banner, the status line. */
struct status;
struct status *status_new(void);
void	 status_free(struct status *);
void	 status_hello(struct status *, json_t *);
void	 status_message(struct status *, const char *);
void	 status_draw_title(struct status *, WINDOW *, const struct console *,
	    const char *);
void	 status_draw(struct status *, WINDOW *, const struct console *);

/* widget-prompt.c: a one-line question at the bottom. */
typedef void (*prompt_cb)(struct console *, const char *, void *);
/* The answer so far, completed (allocated), or NULL to keep it. */
typedef char *(*prompt_complete_cb)(struct console *, const char *, void *);
struct prompt *prompt_new(const char *, prompt_cb, void *);
void	 prompt_free(struct prompt *);
void	 prompt_set_complete(struct prompt *, prompt_complete_cb);
void	 prompt_set_hint(struct prompt *, const char *);
int	 prompt_key(struct console *, struct prompt *, wint_t, int);
void	 prompt_draw(struct prompt *, WINDOW *);

/*
 * widget-cmdline.c: the : line, the CLI's commands (cli_table[]) typed
 * in a console and sent on its connection.
 */
void	 cmdline_open(struct console *);
char	*cmdline_complete(const char *, char **);
int	 cmdline_split(const char *, char ***);

/*
 * keymap.c: named actions and the keys bound to them.  A key is a
 * character, or a curses KEY_ code with KEYMAP_FN set (CJK characters
 * and KEY_ codes share numbers otherwise).
 */
#define KEYMAP_FN 0x1000000
enum keymap_action {
	ACT_NONE = 0,
	ACT_QUIT,
	ACT_HELP,
	ACT_DOWN,
	ACT_UP,
	ACT_PAGE_DOWN,
	ACT_PAGE_UP,
	ACT_FIRST,
	ACT_LAST,
	ACT_REFRESH,
	ACT_REDRAW,
	ACT_COMMAND,		/* every console: the : line */
	ACT_DISPATCH,
	ACT_APPROVE,
	ACT_DENY,
	ACT_URGE,
	/* dept */
	ACT_ACCEPT,
	ACT_RETURN,
	ACT_EXTEND,
	ACT_POSTPONE,
	ACT_FEEDBACK,
	ACT_DETAIL,
	/* supervise */
	ACT_FILE,
	ACT_REJECT,
	ACT_CLOSE,
	ACT_REWORK,
	ACT_MAP,
	ACT_ALARMS,
	ACT_LEFT,
	ACT_RIGHT,
	ACT_ZOOM_IN,
	ACT_ZOOM_OUT,
	ACT_CENTER,
	ACT_RANKING,
	ACT_EVALUATION,
	ACT_HOT,
	ACT_PERIOD,
	ACT_LEVEL_UP,
	/* seat */
	ACT_REPORT,
	ACT_VERIFY,
	ACT_VERIFY_OK,
	ACT_VERIFY_NO,
	ACT_CHECK,
	ACT_CHECK_OK,
	ACT_CHECK_NO,
	ACT_MERGE,
	ACT_COUNT
};
struct keymap_entry {
	const char	*name;		/* dispatch: as in the .ini files */
	const char	*help;		/* for the ? screen */
};
extern const struct keymap_entry keymap_actions[ACT_COUNT];
struct keymap *keymap_load(const char *, char *, size_t);
void	 keymap_free(struct keymap *);
enum keymap_action keymap_lookup(const struct keymap *, int);
size_t	 keymap_keys(const struct keymap *, enum keymap_action, char *, size_t);
const char *keymap_key_name(int, char *, size_t);
int	 keymap_key_parse(const char *);
void	 keymap_help_draw(const struct keymap *, const enum keymap_action *,
	    const char *);

/* view-dispatch.c */
extern const struct view view_dispatch;

/* view-dept.c */
extern const struct view view_dept;

/* widget-detail.c: one case's every field, stages and log, scrolled. */
struct detail;
void	 detail_open(struct console *, const char *);
void	 detail_free(struct detail *);
const char *detail_case(const struct detail *);
void	 detail_event(struct detail *, json_t *);
int	 detail_key(struct console *, struct detail *, int);
void	 detail_draw(struct detail *, WINDOW *);

/* view-supervise.c */
extern const struct view view_supervise;

/* media.c (the rest is in citygrid.h): photos over the console's connection. */
typedef void (*media_put_cb)(json_t *, const char *, void *);
typedef void (*media_get_cb)(const unsigned char *, size_t, const char *,
	    const char *, void *);
void	 media_put_async(struct conn *, json_t *, media_put_cb, void *);
void	 media_get_async(struct conn *, const char *, media_get_cb, void *);

/* widget-photo.c: a photo drawn in cells with chafa (libchafa). */
struct photo;
int	 photo_possible(void);
struct photo *photo_decode(const unsigned char *, size_t, char *, size_t);
int	 photo_layout(struct photo *, int, int);
void	 photo_draw_row(struct photo *, WINDOW *, int, int, int);
void	 photo_size(const struct photo *, int *, int *);
void	 photo_free(struct photo *);

/*
 * widget-map.c: a map in braille (U+2800..U+28FF, 2x4 dots a cell):
 * outlines, case positions shaded by density per cell, one marked point.
 */
enum map_line { MAP_DISTRICT, MAP_GRID, MAP_STREET };
struct map;
struct map *map_new(double, double, double, double);
void	 map_free(struct map *);
void	 map_clear_lines(struct map *, enum map_line);
void	 map_add_line(struct map *, enum map_line, const double *, size_t);
int	 map_add_geojson(struct map *, enum map_line, json_t *);
void	 map_clear_points(struct map *);
void	 map_add_point(struct map *, double, double);
void	 map_mark(struct map *, int, double, double);
void	 map_pan(struct map *, int, int);
void	 map_zoom(struct map *, int);
void	 map_center(struct map *, double, double);
void	 map_draw(struct map *, WINDOW *);

/*
 * widget-form.c: the seat's form for a hotline call.  Fields are typed
 * in place; the class is picked from class.list by code, Chinese text
 * or pinyin initials, the place from geo.search or by a grid code.
 * Submitting hands case.new's arguments to the callback.
 */
struct form;
typedef void (*form_submit_cb)(struct console *, json_t *, void *);
typedef void (*form_close_cb)(struct console *, void *);
struct form *form_new(struct console *, form_submit_cb, form_close_cb,
	    void *);
void	 form_free(struct form *);
void	 form_set_classes(struct form *, json_t *);
void	 form_failed(struct form *);
int	 form_key(struct form *, wint_t, int);
void	 form_draw(struct form *, WINDOW *);
size_t	 form_initials(const char *, char *, size_t);

/* view-seat.c */
extern const struct view view_seat;

/* pinyin-table.c, generated by pinyin-gen.sh: initials of U+4E00..U+9FFF. */
#define PINYIN_FIRST	0x4E00
#define PINYIN_LAST	0x9FFF
extern const char pinyin_initials[PINYIN_LAST - PINYIN_FIRST + 2];

#endif /* CONSOLE_H */
