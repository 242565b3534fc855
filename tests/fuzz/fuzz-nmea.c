/*
 * fuzz-nmea.c: the NMEA parser on any bytes (libFuzzer).
 *
 * The input goes through nmea_feed as a stream and through nmea_parse
 * as one line.  Every good fix must be in range, and every byte must
 * be counted as used or left for later.
 */
#include <stdlib.h>
#include <string.h>

#include "cg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_check(const struct nmea_fix *fix, void *arg)
{
	if ((fix->have & NMEA_HAVE_POS) && (fix->lat < -90 || fix->lat > 90 ||
	    fix->lon < -180 || fix->lon > 180))
		abort();
	if ((fix->have & NMEA_HAVE_TIME) &&
	    (fix->tod_ms < 0 || fix->tod_ms >= 86401000))
		abort();
	if (fix->valid && (fix->have & NMEA_HAVE_POS) == 0)
		abort();
	if (memchr(fix->mode, '\0', sizeof fix->mode) == NULL ||
	    strlen(fix->talker) != 2)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nmea_stats st = { 0 };
	struct nmea_fix fix;
	char *copy, *cause = NULL;
	size_t used;

	/* Exactly the size, so ASan sees reads past the end. */
	copy = malloc(size > 0 ? size : 1);
	memcpy(copy, data, size);
	used = nmea_feed(copy, size, &st, fuzz_check, NULL);
	if (used > size || (size - used > NMEA_LINE_MAX))
		abort();
	free(copy);

	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	switch (nmea_parse(copy, &fix, &cause)) {
	case NMEA_GOOD:
		if (cause != NULL)
			abort();
		fuzz_check(&fix, NULL);
		break;
	case NMEA_MALFORMED:
	case NMEA_BAD_CHECKSUM:
	case NMEA_UNKNOWN:
		if (cause == NULL)
			abort();
		break;
	default:
		abort();
	}
	free(cause);
	free(copy);
	return 0;
}
