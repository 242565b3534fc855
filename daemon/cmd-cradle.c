/*
 * cmd-cradle.c: the cradle's dockings as the center sees them
 * (cradle.list): which handheld, whose, on which port, when, and what
 * came of it.  Records are counted from cradle_record, so a docking
 * still going shows what it has stored so far; the daemon's other
 * counts are written when a session ends.
 */
#include <stdio.h>
#include <string.h>

#include "citygridd.h"

static const char cradle_list_sql[] =
    "SELECT s.id, s.device_id AS device, c.code AS collector, c.name AS collector_name,"
    " s.port, s.firmware, extract(epoch FROM s.started_at)::bigint AS started_at,"
    " extract(epoch FROM s.ended_at)::bigint AS ended_at, s.end_reason,"
    " CASE WHEN s.ended_at IS NULL THEN '对接中' WHEN s.end_reason = 'bye' THEN '正常结束'"
    "  ELSE '中断: ' || coalesce(s.end_reason, '') END AS state,"
    " (SELECT count(*) FROM cradle_record r WHERE r.session = s.id"
    "  AND r.kind = 'report') AS reports,"
    " (SELECT count(*) FROM cradle_record r WHERE r.session = s.id"
    "  AND r.kind <> 'report') AS results,"
    " (s.counts->>'photos')::integer AS photos,"
    " (s.counts->>'nmea_good')::integer AS positions,"
    " (s.counts->>'frames_bad')::integer AS frames_bad"
    " FROM cradle_session s JOIN collector c ON c.id = s.collector"
    " WHERE ($1::boolean IS NOT TRUE OR s.ended_at IS NULL)"
    "  AND ($2::text IS NULL OR s.device_id = $2 OR c.code = $2)"
    " ORDER BY s.started_at DESC, s.id DESC LIMIT $3::integer";

/* cradle.list {open, unit, limit}: the dockings, newest first. */
void
cmd_cradle_list(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	json_t *open = json_object_get(args, "open");
	json_t *limit = json_object_get(args, "limit");
	const char *params[3];
	char lim[16];

	if ((open != NULL && !json_is_boolean(open)) ||
	    (limit != NULL && (!json_is_integer(limit) ||
	    json_integer_value(limit) < 1 || json_integer_value(limit) > 1000))) {
		cmd_req_error(r, PE_INVALID, "open 须为 true 或 false, limit 在 1 到 1000 之间");
		return;
	}
	snprintf(lim, sizeof lim, "%lld", limit != NULL ?
	    (long long)json_integer_value(limit) : 50LL);
	params[0] = json_is_true(open) ? "true" : "false";
	params[1] = arg_str(args, "unit");
	params[2] = lim;
	cmd_query(r, cradle_list_sql, 3, params, cmd_rows_done);
}
