# citygrid: one plain Makefile.  Libraries are found with pkg-config;
# 'make deps' installs the Debian packages that are missing.

VERSION = 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
SBINDIR = $(PREFIX)/sbin
MANDIR = $(PREFIX)/share/man
DATADIR = $(PREFIX)/share/citygrid
SYSCONFDIR ?= /etc

CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS += -D_GNU_SOURCE -Ilib -DCG_VERSION='"$(VERSION)"' \
	-DCG_DATADIR='"$(DATADIR)"' -DCG_SYSCONFDIR='"$(SYSCONFDIR)"'
PKG_CONFIG ?= pkg-config

# iniparser 4.1 in Debian 12 ships no .pc file.
INIPARSER_CFLAGS = $(shell $(PKG_CONFIG) --cflags iniparser 2>/dev/null || echo -I/usr/include/iniparser)
INIPARSER_LIBS = $(shell $(PKG_CONFIG) --libs iniparser 2>/dev/null || echo -liniparser)

DAEMON_PKGS = libpq libevent libserialport jansson
CONSOLE_PKGS = ncursesw libevent jansson chafa gdk-pixbuf-2.0 cairo pangocairo
TEST_PKGS = cmocka jansson

DAEMON_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(DAEMON_PKGS)) $(INIPARSER_CFLAGS)
DAEMON_LIBS = $(shell $(PKG_CONFIG) --libs $(DAEMON_PKGS)) $(INIPARSER_LIBS) -lm
CONSOLE_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(CONSOLE_PKGS)) $(INIPARSER_CFLAGS)
CONSOLE_LIBS = $(shell $(PKG_CONFIG) --libs $(CONSOLE_PKGS)) $(INIPARSER_LIBS) -lm
TEST_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS))
TEST_LIBS = $(shell $(PKG_CONFIG) --libs $(TEST_PKGS)) -lm

# Debian 12 packages the build, the tests and the demo need.
DEB_PACKAGES = build-essential pkg-config \
	libncurses-dev libpq-dev libevent-dev libserialport-dev \
	libiniparser-dev libjansson-dev libcmocka-dev libchafa-dev libgdk-pixbuf-2.0-dev \
	postgresql-15 postgresql-15-postgis-3 postgresql-15-pgtap \
	tmux socat mandoc jq unicode-data gdal-bin \
	libcairo2-dev libpango1.0-dev fonts-wqy-microhei poppler-utils

LIB_SRCS = $(wildcard lib/*.c)
LIB_OBJS = $(LIB_SRCS:.c=.o)
DAEMON_SRCS = $(wildcard daemon/*.c)
DAEMON_OBJS = $(DAEMON_SRCS:.c=.o)
# console/pinyin-table.c is generated (not committed): see below.
CONSOLE_SRCS = $(sort $(wildcard console/*.c) console/pinyin-table.c)
UNIHAN_READINGS = /usr/share/unicode/Unihan_Readings.txt.bz2
CONSOLE_OBJS = $(CONSOLE_SRCS:.c=.o)
UNIT_SRCS = $(wildcard tests/unit/test-*.c)
UNIT_BINS = $(UNIT_SRCS:.c=)
MANPAGES = $(wildcard man/*.[1-9])

PROGS = daemon/citygridd console/citygrid
# The reference handheld and its test host (citygrid-cradle(7)).
EMU_PROGS = tests/cradle-emu tests/cradle-emu-host

.PHONY: all check unit deps demo install clean coverage lint-man bench bench-cradle bench-eval bench-geocode man-commands fuzz
all: $(PROGS) $(UNIT_BINS) $(EMU_PROGS)

lib/libcg.a: $(LIB_OBJS)
	$(AR) rcs $@ $(LIB_OBJS)

$(LIB_OBJS): CFLAGS += $(INIPARSER_CFLAGS) $(shell $(PKG_CONFIG) --cflags jansson)
$(DAEMON_OBJS): CFLAGS += $(DAEMON_CFLAGS)
$(CONSOLE_OBJS): CFLAGS += $(CONSOLE_CFLAGS)

daemon/citygridd: $(DAEMON_OBJS) lib/libcg.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(DAEMON_OBJS) lib/libcg.a $(DAEMON_LIBS)

# The seat console's pinyin initials, from Debian's unicode-data.
console/pinyin-table.c: console/pinyin-gen.sh $(UNIHAN_READINGS)
	sh console/pinyin-gen.sh $(UNIHAN_READINGS) >$@.tmp && mv $@.tmp $@

console/citygrid: $(CONSOLE_OBJS) lib/libcg.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CONSOLE_OBJS) lib/libcg.a $(CONSOLE_LIBS)

# SHA-256 of photos from GLib (a dependency of the consoles already).
EMU_CFLAGS = $(shell $(PKG_CONFIG) --cflags glib-2.0)
EMU_LIBS = $(shell $(PKG_CONFIG) --libs glib-2.0)
tests/cradle-emu tests/cradle-emu-host: %: %.c tests/cradle-emu-line.c tests/cradle-emu.h lib/libcg.a
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(EMU_CFLAGS) $(LDFLAGS) -o $@ $< tests/cradle-emu-line.c lib/libcg.a $(EMU_LIBS)

tests/unit/test-%: tests/unit/test-%.c lib/libcg.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(TEST_CFLAGS) $(INIPARSER_CFLAGS) $(LDFLAGS) \
		-o $@ $< lib/libcg.a $(TEST_LIBS) $(INIPARSER_LIBS)

%.o: %.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJS:.o=.d) $(DAEMON_OBJS:.o=.d) $(CONSOLE_OBJS:.o=.d)

# Install what is missing; as a user, say what to run and fail.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	line="apt-get install -y --no-install-recommends $$(echo $$missing)"; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "citygrid needs Debian packages; as root run: apt-get update && $$line" >&2; exit 1; \
	fi; \
	echo "installing: $$(echo $$missing)"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null

check:
	@$(MAKE) -s deps
	@$(MAKE) -s all
	@tests/run

unit: $(UNIT_BINS)
	@tests/run unit

demo:
	@$(MAKE) -s deps
	@$(MAKE) -s all
	@schema/demo/demo.sh

tests/bench/bench-daemon: tests/bench/bench-daemon.c lib/libcg.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< lib/libcg.a $(TEST_LIBS)

# Benchmarks: figures as ratios to a baseline run alongside; not a test.
bench: all tests/bench/bench-daemon
	tests/bench/run-daemon.sh
bench-console: all
	tests/bench/console.sh
bench-cradle: all
	tests/bench/cradle.sh
bench-eval: all
	tests/bench/eval.sh

tests/bench/bench-geocode: tests/bench/bench-geocode.c lib/libcg.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags libpq jansson) $(LDFLAGS) \
		-o $@ $< lib/libcg.a $(shell $(PKG_CONFIG) --libs libpq jansson)
# One million generated addresses (kept in var/bench between runs).
bench-geocode: all tests/bench/bench-geocode
	tests/bench/geocode.sh

# Fuzz the decoders of outside bytes for FUZZ_TIME seconds each; not part
# of check.  Seeds in tests/fuzz/corpus-*; what the fuzzer finds and any
# crash go to var/fuzz.  Needs clang with libFuzzer (Debian: clang,
# libclang-rt-14-dev).
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -std=c11 -D_GNU_SOURCE -Ilib
FUZZ_TARGETS = cradle cradle-msg nmea proto
FUZZ_LIBS = lib/cradle.c lib/cradle-msg.c lib/nmea.c lib/proto.c lib/xmalloc.c lib/log.c \
	$(shell $(PKG_CONFIG) --cflags --libs jansson)

fuzz:
	@mkdir -p var/fuzz
	@echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' \
	    >var/fuzz/probe.c
	@$(FUZZ_CC) -fsanitize=fuzzer,address -o var/fuzz/probe var/fuzz/probe.c 2>/dev/null || { \
		echo "fuzz: $(FUZZ_CC) cannot build with libFuzzer;" \
		    "on Debian: apt-get install clang libclang-rt-14-dev" >&2; exit 1; }
	@set -e; for t in $(FUZZ_TARGETS); do \
		$(FUZZ_CC) $(FUZZ_CFLAGS) -o var/fuzz/fuzz-$$t tests/fuzz/fuzz-$$t.c $(FUZZ_LIBS); \
		mkdir -p var/fuzz/corpus-$$t; \
		echo "fuzz-$$t: $(FUZZ_TIME) s"; \
		var/fuzz/fuzz-$$t -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		    -artifact_prefix=var/fuzz/$$t- var/fuzz/corpus-$$t tests/fuzz/corpus-$$t \
		    >var/fuzz/$$t.log 2>&1 || { tail -40 var/fuzz/$$t.log; exit 1; }; \
		grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
		    var/fuzz/$$t.log | sed "s/^/  /"; \
		grep -E 'cov: [0-9]+' var/fuzz/$$t.log | tail -1 | sed "s/^/  /"; \
	done

# The command list of citygrid(1) comes from the CLI's command table.
man-commands: console/citygrid
	console/citygrid help --mdoc >man/.commands.tmp
	awk 'FNR == NR { cmds = cmds $$0 "\n"; next } \
	    /^\.\\" END COMMANDS/ { skip = 0 } \
	    !skip { print } \
	    /^\.\\" console\/cli.c; tests/ { printf "%s", cmds; skip = 1 }' \
	    man/.commands.tmp man/citygrid.1 >man/.citygrid.1.tmp
	mv man/.citygrid.1.tmp man/citygrid.1
	rm -f man/.commands.tmp

lint-man:
	mandoc -Tlint -Wwarning $(MANPAGES)

coverage:
	$(MAKE) clean
	$(MAKE) CFLAGS="-O0 -g --coverage" LDFLAGS="--coverage" all
	tests/run unit
	gcov -o lib lib/*.c >/dev/null
	@echo "coverage: see lib/*.c.gcov"

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR)/schema/data \
		$(DESTDIR)$(DATADIR)/schema/demo $(DESTDIR)$(DATADIR)/keymaps
	install -m 755 console/citygrid $(DESTDIR)$(BINDIR)/citygrid
	install -m 755 daemon/citygridd $(DESTDIR)$(SBINDIR)/citygridd
	sed 's|^here=.*|here=$(DATADIR)/schema|' schema/citygrid-db >$(DESTDIR)$(SBINDIR)/citygrid-db
	chmod 755 $(DESTDIR)$(SBINDIR)/citygrid-db
	install -m 644 schema/[0-9]*.sql $(DESTDIR)$(DATADIR)/schema/
	install -m 644 schema/data/*.csv schema/data/*.geojson $(DESTDIR)$(DATADIR)/schema/data/
	install -m 644 schema/demo/*.sql $(DESTDIR)$(DATADIR)/schema/demo/
	install -m 755 schema/demo/*.sh $(DESTDIR)$(DATADIR)/schema/demo/
	install -m 644 keymaps/*.ini $(DESTDIR)$(DATADIR)/keymaps/
	for m in $(MANPAGES); do \
		s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; \
	done

clean:
	rm -f lib/*.o lib/*.d lib/libcg.a daemon/*.o daemon/*.d console/*.o console/*.d \
		console/pinyin-table.c $(PROGS) $(UNIT_BINS) $(EMU_PROGS) tests/bench/bench-daemon lib/*.gcda lib/*.gcno *.gcov lib/*.gcov
