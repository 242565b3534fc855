/*
 * keymap.c: the consoles' actions, each with a name, and the keys bound
 * to them.  The default bindings are not in the code: they are read
 * from keymaps/<view>.ini, in the same syntax a user writes in
 * $XDG_CONFIG_HOME/citygrid/<view>.ini to override them (as tig reads
 * its tigrc).  An action named in the user's file loses its default
 * keys, and the user's keys leave any action they had.
 *
 *	[keys]
 *	dispatch = d
 *	down = j Down
 */
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <iniparser.h>

#include "console.h"

const struct keymap_entry keymap_actions[ACT_COUNT] = {
	[ACT_NONE] =		{ "none", "不做任何事 (解除按键)" },
	[ACT_QUIT] =		{ "quit", "退出控制台" },
	[ACT_HELP] =		{ "help", "显示本帮助" },
	[ACT_DOWN] =		{ "down", "下移一行" },
	[ACT_UP] =		{ "up", "上移一行" },
	[ACT_PAGE_DOWN] =	{ "page-down", "下翻一页" },
	[ACT_PAGE_UP] =		{ "page-up", "上翻一页" },
	[ACT_FIRST] =		{ "first", "到第一行" },
	[ACT_LAST] =		{ "last", "到最后一行" },
	[ACT_REFRESH] =		{ "refresh", "从 citygridd 重新读取列表" },
	[ACT_REDRAW] =		{ "redraw", "重画屏幕" },
	[ACT_COMMAND] =		{ "command", "命令行: 输入 citygrid 的命令, Tab 补全" },
	[ACT_DISPATCH] =	{ "dispatch", "派遣所选案卷到建议部门" },
	[ACT_APPROVE] =		{ "approve", "批准所选的延期或缓办申请" },
	[ACT_DENY] =		{ "deny", "驳回所选的延期或缓办申请 (需填理由)" },
	[ACT_URGE] =		{ "urge", "督办所选案卷" },
	/* dept */
	[ACT_ACCEPT] =		{ "accept", "接收派来的案卷, 开始处置" },
	[ACT_RETURN] =		{ "return", "回退: 不属本部门 (需填原因)" },
	[ACT_EXTEND] =		{ "extend", "申请延期 (需填时长和理由)" },
	[ACT_POSTPONE] =	{ "postpone", "申请缓办 (需填理由)" },
	[ACT_FEEDBACK] =	{ "feedback", "处置反馈 (需填处置结果, 可列照片)" },
	[ACT_DETAIL] =		{ "detail", "所选案卷的详情: 字段、时限和日志; 评价排名中进入下一级" },
	/* supervise */
	[ACT_FILE] =		{ "file", "立案: 所选的上报或已核实案卷" },
	[ACT_REJECT] =		{ "reject", "不予立案 (需填理由)" },
	[ACT_CLOSE] =		{ "close", "结案: 所选的已核查案卷" },
	[ACT_REWORK] =		{ "rework", "返工: 重新派回处置 (需填理由)" },
	[ACT_MAP] =		{ "map", "地图: 小屏切换, 大屏进出地图操作" },
	[ACT_ALARMS] =		{ "alarms", "下方窗格在动态与超时告警间切换" },
	[ACT_LEFT] =		{ "left", "地图左移" },
	[ACT_RIGHT] =		{ "right", "地图右移" },
	[ACT_ZOOM_IN] =		{ "zoom-in", "地图放大" },
	[ACT_ZOOM_OUT] =	{ "zoom-out", "地图缩小" },
	[ACT_CENTER] =		{ "center", "地图以所选案卷为中心" },
	[ACT_RANKING] =		{ "ranking", "下方窗格在动态与当日部门排名间切换" },
	[ACT_EVALUATION] =	{ "evaluation", "评价排名: 区、街道、社区、网格的综合指标, 逐级进入到案卷" },
	[ACT_HOT] =		{ "hot", "高发问题: 案卷最多的类别、网格和部件, 与上期比" },
	[ACT_PERIOD] =		{ "period", "评价排名和高发问题在今日与本月间切换" },
	[ACT_LEVEL_UP] =	{ "level-up", "评价排名回到上一级" },
	/* seat */
	[ACT_REPORT] =		{ "report", "登记热线来电: 打开新案卷表单" },
	[ACT_VERIFY] =		{ "verify", "派核实任务给网格的监督员" },
	[ACT_VERIFY_OK] =	{ "verify-ok", "记录核实结果: 属实" },
	[ACT_VERIFY_NO] =	{ "verify-no", "记录核实结果: 不属实" },
	[ACT_CHECK] =		{ "check", "派核查任务给网格的监督员" },
	[ACT_CHECK_OK] =	{ "check-ok", "记录核查结果: 通过" },
	[ACT_CHECK_NO] =	{ "check-no", "记录核查结果: 未通过" },
	[ACT_MERGE] =		{ "merge", "合并到另一案卷 (需填案卷号)" },
};

static const struct keymap_name {
	const char	*name;
	int		 key;
} keymap_names[] = {
	{ "Enter", '\r' }, { "Space", ' ' }, { "Tab", '\t' }, { "Esc", 27 },
	{ "Backspace", 127 },
	{ "Up", KEY_UP | KEYMAP_FN }, { "Down", KEY_DOWN | KEYMAP_FN },
	{ "Left", KEY_LEFT | KEYMAP_FN }, { "Right", KEY_RIGHT | KEYMAP_FN },
	{ "PgUp", KEY_PPAGE | KEYMAP_FN }, { "PgDn", KEY_NPAGE | KEYMAP_FN },
	{ "Home", KEY_HOME | KEYMAP_FN }, { "End", KEY_END | KEYMAP_FN },
	{ "Insert", KEY_IC | KEYMAP_FN }, { "Delete", KEY_DC | KEYMAP_FN },
};

struct keymap_binding {
	int			 key;
	enum keymap_action	 action;
};
struct keymap {
	struct keymap_binding	*b;
	size_t			 n;
};

/* "d", "Enter", "C-l", "F5", "派": the key, or -1. */
int
keymap_key_parse(const char *s)
{
	size_t i;
	wchar_t wc;
	int n;

	for (i = 0; i < sizeof keymap_names / sizeof keymap_names[0]; i++) {
		if (strcasecmp(s, keymap_names[i].name) == 0)
			return keymap_names[i].key;
	}
	if ((s[0] == 'C' || s[0] == 'c') && s[1] == '-' && s[2] != '\0' &&
	    s[3] == '\0')
		return s[2] & 0x1f;
	if ((s[0] == 'F' || s[0] == 'f') && (n = atoi(s + 1)) >= 1 && n <= 24)
		return KEY_F(n) | KEYMAP_FN;
	n = mbtowc(&wc, s, strlen(s));
	if (n > 0 && s[n] == '\0' && wc > ' ')
		return (int)wc;
	return -1;
}

/* The name a key is written as in the .ini files. */
const char *
keymap_key_name(int key, char *buf, size_t len)
{
	size_t i;
	int n;

	for (i = 0; i < sizeof keymap_names / sizeof keymap_names[0]; i++) {
		if (keymap_names[i].key == key)
			return keymap_names[i].name;
	}
	if (key & KEYMAP_FN) {
		for (n = 1; n <= 24; n++) {
			if ((key & ~KEYMAP_FN) == KEY_F(n)) {
				snprintf(buf, len, "F%d", n);
				return buf;
			}
		}
		snprintf(buf, len, "<%d>", key & ~KEYMAP_FN);
	} else if (key < ' ')
		snprintf(buf, len, "C-%c", key + 'a' - 1);
	else if ((n = wctomb(buf, (wchar_t)key)) > 0 && (size_t)n < len)
		buf[n] = '\0';
	else
		snprintf(buf, len, "?");
	return buf;
}

static void
keymap_unbind(struct keymap *km, int key, int action)
{
	size_t i = 0;

	while (i < km->n) {
		if (km->b[i].key == key || (int)km->b[i].action == action)
			km->b[i] = km->b[--km->n];
		else
			i++;
	}
}

static enum keymap_action
keymap_action_find(const char *name)
{
	int i;

	for (i = 0; i < ACT_COUNT; i++) {
		if (strcmp(keymap_actions[i].name, name) == 0)
			return (enum keymap_action)i;
	}
	return ACT_COUNT;
}

/* Bind "j Down" to an action, replacing what either had. */
static void
keymap_bind(struct keymap *km, enum keymap_action a, const char *keys,
    const char *file, char *err, size_t errlen)
{
	char *copy = xstrdup(keys), *word, *save;
	int key;

	keymap_unbind(km, -1, (int)a);
	for (word = strtok_r(copy, " \t", &save); word != NULL;
	    word = strtok_r(NULL, " \t", &save)) {
		if ((key = keymap_key_parse(word)) < 0) {
			snprintf(err, errlen, "%s: %s 的按键 %s 无法识别", file,
			    keymap_actions[a].name, word);
			continue;
		}
		keymap_unbind(km, key, -1);
		if (a == ACT_NONE)
			continue;
		km->b = xreallocarray(km->b, km->n + 1, sizeof *km->b);
		km->b[km->n].key = key;
		km->b[km->n++].action = a;
	}
	free(copy);
}

static char keymap_ini_error[256];

static int
keymap_ini_errback(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(keymap_ini_error, sizeof keymap_ini_error, fmt, ap);
	va_end(ap);
	return 0;
}

/* Read the [keys] of one file; 0 if it is not there. */
static int
keymap_read(struct keymap *km, const char *path, char *err, size_t errlen)
{
	const char **keys;
	dictionary *d;
	enum keymap_action a;
	char full[256];
	int i, n;

	if (access(path, R_OK) != 0)
		return 0;
	iniparser_set_error_callback(keymap_ini_errback);
	if ((d = iniparser_load(path)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, keymap_ini_error);
		return 0;
	}
	n = iniparser_getsecnkeys(d, "keys");
	keys = xcalloc(n > 0 ? (size_t)n : 1, sizeof *keys);
	iniparser_getseckeys(d, "keys", keys);
	for (i = 0; i < n; i++) {
		a = keymap_action_find(keys[i] + strlen("keys:"));
		if (a == ACT_COUNT) {
			snprintf(err, errlen, "%s: 没有动作 %s", path, keys[i] + 5);
			continue;
		}
		snprintf(full, sizeof full, "%s", keys[i]);
		keymap_bind(km, a, iniparser_getstring(d, full, ""), path, err,
		    errlen);
	}
	free(keys);
	iniparser_freedict(d);
	return 1;
}

/* Where the defaults are: $CITYGRID_KEYMAPS, the build tree, DATADIR. */
static int
keymap_defaults(struct keymap *km, const char *view, char *err, size_t errlen)
{
	char exe[PATH_MAX], path[PATH_MAX + 64];
	const char *env = getenv("CITYGRID_KEYMAPS");
	ssize_t n;

	if (env != NULL && *env != '\0') {
		snprintf(path, sizeof path, "%s/%s.ini", env, view);
		if (keymap_read(km, path, err, errlen))
			return 1;
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
		exe[n] = '\0';
		snprintf(path, sizeof path, "%s/../keymaps/%s.ini", dirname(exe), view);
		if (keymap_read(km, path, err, errlen))
			return 1;
	}
	snprintf(path, sizeof path, "%s/keymaps/%s.ini", CG_DATADIR, view);
	return keymap_read(km, path, err, errlen);
}

/*
 * The bindings of a view: its defaults, then the user's.  A problem is
 * described in err (empty if none); without the defaults only q quits
 * and ? helps, so the console can still say what is wrong.
 */
struct keymap *
keymap_load(const char *view, char *err, size_t errlen)
{
	struct keymap *km = xcalloc(1, sizeof *km);
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char path[PATH_MAX];

	err[0] = '\0';
	if (!keymap_defaults(km, view, err, errlen)) {
		keymap_bind(km, ACT_QUIT, "q", "", err, errlen);
		keymap_bind(km, ACT_HELP, "?", "", err, errlen);
		snprintf(err, errlen, "找不到默认按键文件 keymaps/%s.ini (可设 CITYGRID_KEYMAPS)",
		    view);
	}
	if (xdg != NULL && *xdg != '\0')
		snprintf(path, sizeof path, "%s/citygrid/%s.ini", xdg, view);
	else
		snprintf(path, sizeof path, "%s/.config/citygrid/%s.ini",
		    home != NULL ? home : "/nonexistent", view);
	keymap_read(km, path, err, errlen);
	return km;
}

void
keymap_free(struct keymap *km)
{
	if (km == NULL)
		return;
	free(km->b);
	free(km);
}

enum keymap_action
keymap_lookup(const struct keymap *km, int key)
{
	size_t i;

	if (key == (KEY_ENTER | KEYMAP_FN) || key == '\n')
		key = '\r';
	if (key == (KEY_BACKSPACE | KEYMAP_FN))
		key = 127;
	for (i = 0; i < km->n; i++) {
		if (km->b[i].key == key)
			return km->b[i].action;
	}
	return ACT_NONE;
}

/* The keys of an action, "j Down"; the length written. */
size_t
keymap_keys(const struct keymap *km, enum keymap_action a, char *buf,
    size_t len)
{
	char name[32];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < km->n; i++) {
		if (km->b[i].action != a || n >= len)
			continue;
		n += snprintf(buf + n, len - n, "%s%s", n > 0 ? " " : "",
		    keymap_key_name(km->b[i].key, name, sizeof name));
	}
	return n < len ? n : len - 1;
}

/* The ? overlay: the view's actions, then those of every console. */
void
keymap_help_draw(const struct keymap *km, const enum keymap_action *acts,
    const char *title)
{
	char keys[128], line[512];
	int n, i, h, w, y = 2;
	WINDOW *win;

	static const enum keymap_action common[] = { ACT_COMMAND };
	enum keymap_action a;
	int nview;

	for (nview = 0; acts[nview] != ACT_NONE; nview++)
		;
	n = nview + (int)(sizeof common / sizeof common[0]);
	h = n + 4 < LINES ? n + 4 : LINES;
	w = COLS > 72 ? 72 : COLS;
	if (h < 3 || w < 10)
		return;
	win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	werase(win);
	box(win, 0, 0);
	snprintf(line, sizeof line, " %s: 按键 (任意键关闭) ", title);
	tty_put(win, 0, 2, w - 4 < utf8_width(line) ? w - 4 : utf8_width(line),
	    line, A_BOLD);
	tty_put(win, 1, 2, w - 4, "按键             动作       说明", tty_attr(TTY_HEADER));
	for (i = 0; i < n && y < h - 1; i++, y++) {
		a = i < nview ? acts[i] : common[i - nview];
		keymap_keys(km, a, keys, sizeof keys);
		tty_put(win, y, 2, 16, keys[0] != '\0' ? keys : "-", A_BOLD);
		tty_put(win, y, 19, 10, keymap_actions[a].name, A_NORMAL);
		tty_put(win, y, 30, w - 32, keymap_actions[a].help, A_NORMAL);
	}
	wnoutrefresh(win);
	delwin(win);
}
