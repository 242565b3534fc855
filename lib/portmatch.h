/*
 * portmatch.h: which serial ports are handheld cradles.  Pure: the
 * daemon (daemon/cradle-port.c) scans the ports with libserialport and
 * stats the configured paths, and asks here which of them to open and
 * how to set the line; the unit tests ask the same with made-up ports.
 */
#ifndef PORTMATCH_H
#define PORTMATCH_H

#include <stddef.h>
#include <stdint.h>

#define PORTMATCH_RULES_MAX	32	/* rules in cradle:match */
#define PORTMATCH_PATHS_MAX	32	/* paths in cradle:ports */
#define PORTMATCH_PATTERN_MAX	128	/* bytes of one pattern or path */

enum portmatch_kind {
	PORTMATCH_USB_ID,	/* VVVV:PPPP or VVVV:*, USB ports only */
	PORTMATCH_NAME		/* a glob on the path, or on its last part */
};

struct portmatch_rule {
	enum portmatch_kind	 kind;
	int			 vid;
	int			 pid;		/* -1: any product of vid */
	char			 pattern[PORTMATCH_PATTERN_MAX];
};

struct portmatch {
	struct portmatch_rule	 rules[PORTMATCH_RULES_MAX];
	size_t			 nrules;
	char			 paths[PORTMATCH_PATHS_MAX][PORTMATCH_PATTERN_MAX];
	size_t			 npaths;
};

/* One port as the scan found it, or one configured path that exists. */
struct port_desc {
	const char	*path;		/* as found: /dev/ttyACM0, or as configured */
	const char	*real;		/* the device it resolves to; NULL: path */
	int		 usb;		/* a USB port with vid and pid known */
	int		 vid, pid;
	int		 configured;	/* from cradle:ports, not from the scan */
	const char	*what;		/* the scan's description, for logs; may be NULL */
	/* Set by portmatch_select: */
	int		 take;		/* open it */
	int		 rule;		/* the rule that matched; -1: configured */
};

enum portmatch_flow { PORTMATCH_FLOW_NONE, PORTMATCH_FLOW_RTSCTS };

/* portmatch.c */
int	 portmatch_parse(struct portmatch *, const char *, const char *,
	     char **);
int	 portmatch_rule_find(const struct portmatch *, const struct port_desc *);
size_t	 portmatch_select(const struct portmatch *, struct port_desc *, size_t);
int	 portmatch_rule_text(const struct portmatch_rule *, char *, size_t);
int	 portmatch_flow_parse(const char *, enum portmatch_flow *);
const char *portmatch_flow_name(enum portmatch_flow);
long	 portmatch_baud_speed(int);
int	 portmatch_is_pty(const char *);

#endif /* PORTMATCH_H */
