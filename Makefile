# pushgate: make, make check, make bench, make install
#
# Build outputs go to $(BUILD) (default build/); the sanitizer build used by
# `make check` goes to build/san.  Nothing under build/ is ever committed.

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
PKGS    := libgit2 inih libssh2 libcrypto libhs libpcre2-8

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

# The hooks start on every push.  They link Debian's shared libgit2,
# libssh2, libcrypto (OpenSSL) and inih, so that a Debian security update
# of any of them protects pushgate at once, without a rebuild.  Hyperscan
# and its C++ runtime are linked statically when Debian's libhs.a is
# there: they cost a hook 1.5 ms of start-up as shared libraries, and they
# only ever see what a push adds (docs/performance.md).  STATIC_HOOKS=1
# links everything statically (3 ms faster again; rebuild and reinstall
# after each security update of those libraries).  The admin command
# always links them shared.
LIBDIR := $(shell pkg-config --variable=libdir libgit2)
STATIC_HOOKS ?= 0
ifeq ($(STATIC_HOOKS),1)
# Hooks never authenticate to HTTP remotes: common/link/nogssapi.c stands in
# for Kerberos, which would otherwise load seven more shared libraries.
HOOK_OBJS := $(BUILD)/link/nogssapi.o
# Hyperscan is C++: its runtime comes along statically too.
HOOK_LIBS := -Wl,-Bstatic -lgit2 -lmbedtls -lmbedx509 -lmbedcrypto -lhttp_parser \
             -lpcre2-8 -lz -lssh2 -lcrypto -linih -lhs -lstdc++ -Wl,-Bdynamic \
             -lm -ldl -lpthread
else ifneq ($(wildcard $(LIBDIR)/libhs.a),)
HOOK_OBJS :=
HOOK_LIBS := $(shell pkg-config --libs libgit2 inih libssh2 libcrypto libpcre2-8) \
             -Wl,-Bstatic -lhs -lstdc++ -Wl,-Bdynamic -lm
else
HOOK_OBJS :=
HOOK_LIBS := $(PKG_LIBS) -lm
endif

CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
           -Wformat=2 -Wno-format-nonliteral -fno-strict-aliasing \
           -Icommon $(PKG_CFLAGS) $(CPPFLAGS)
LDFLAGS += -Wl,--as-needed
LDLIBS  += $(PKG_LIBS) -lm  # the CLI and tests

ifeq ($(SANITIZE),1)
CFLAGS  += -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRCS  := $(sort $(wildcard common/*.c))
# The builtin secret rules are a rules file, built in as a C string.
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/gen/secrules_builtin.o
LIB       := $(BUILD)/libpushgate.a
HOOKS     := $(BUILD)/hooks/pre-receive $(BUILD)/hooks/update $(BUILD)/hooks/post-receive
CLI       := $(BUILD)/pushgate
CLI_SRCS  := $(sort $(wildcard cli/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)
HDRS      := $(wildcard common/*.h cli/*.h)
# The man pages are made from docs/*.md, their one source, by pandoc.
MANS      := $(BUILD)/man/pushgate.1 $(BUILD)/man/pushgate.ini.5

.PHONY: all unit-bins unit e2e check san bench install uninstall clean deb
all: $(HOOKS) $(CLI) $(MANS)

$(BUILD)/common/%.o: common/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# Each line of the .ini becomes one string literal line, backslashes and quotes escaped.
%/gen/secrules_builtin.c: common/secrules_builtin.ini
	@mkdir -p $(dir $@)
	{ echo '/* Generated from common/secrules_builtin.ini by make. */'; \
	  echo 'const char pg_secrules_builtin_text[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

$(BUILD)/gen/secrules_builtin.o: $(BUILD)/gen/secrules_builtin.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/link/%.o: common/link/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/hooks/%: hooks/%.c $(LIB) $(HOOK_OBJS) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(HOOK_OBJS) $(HOOK_LIBS)

$(CLI): $(CLI_SRCS) $(LIB) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_SRCS) $(LIB) $(LDLIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB) $(HDRS) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka

unit-bins: $(UNIT_BINS)

# "# pushgate(1)" is the title, "## NAME" and the rest the sections.
$(BUILD)/man/%: docs/%.md docs/man-tables.lua
	@mkdir -p $(dir $@)
	pandoc --standalone --from markdown --to man --shift-heading-level-by=-1 \
		--lua-filter=docs/man-tables.lua \
		--metadata title="$(basename $*)" --metadata section="$(subst .,,$(suffix $*))" \
		--metadata header="pushgate manual" --metadata footer="pushgate $(shell sed -n 's/.*PG_VERSION "\(.*\)".*/\1/p' common/version.h)" \
		--metadata date="$(shell git log -1 --format=%cs -- $< 2>/dev/null || date +%F)" \
		-o $@ $<

# Each unit test is a cmocka program; the runner prints cmocka's own summary
# lines and a total.
unit: unit-bins
	tests/unit/run.sh $(BUILD)

e2e: all
	tests/e2e/run.sh $(BUILD)

san:
	$(MAKE) BUILD=build/san SANITIZE=1 all unit-bins

# The whole suite: plain build, then the same tests under ASan and UBSan.
check:
	$(MAKE) all unit-bins
	tests/unit/run.sh build
	$(MAKE) san
	tests/unit/run.sh build/san
	tests/e2e/run.sh build/san
	tests/e2e/run.sh build

bench: all
	tests/bench/run.sh $(BUILD)

# install.sh does both; DESTDIR stages every file below it (packaging).
install: all
	PUSHGATE_BUILD=$(abspath $(BUILD)) ./install.sh --prefix $(PREFIX) $(if $(DESTDIR),--destdir $(DESTDIR))

uninstall:
	./install.sh --prefix $(PREFIX) $(if $(DESTDIR),--destdir $(DESTDIR)) --uninstall

clean:
	rm -rf build

# A Debian package of the tree as it is (committed or not), built in a copy
# below $(BUILD)/deb so that the checkout's build/ is left alone, then
# checked by lintian.  The .deb lands in $(BUILD)/deb/.
deb:
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/src
	git ls-files -co --exclude-standard -- . ':!:build' | tar -cf - -T - | tar -xf - -C $(BUILD)/deb/src
	cd $(BUILD)/deb/src && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning $(BUILD)/deb/pushgate_*.deb

# ---- fuzzing: not part of `make check` ----
# `make fuzz` builds the libFuzzer harnesses of tests/fuzz/ with clang, ASan
# and UBSan into $(FUZZ_BUILD), then runs each for FUZZ_SECONDS over a copy
# of its seed corpus in $(FUZZ_BUILD)/corpus-NAME (the source tree is never
# written; the copy keeps what the fuzzer found for the next run).  A crash,
# leak, sanitizer report or timeout is saved in $(FUZZ_BUILD)/artifacts-NAME/
# and fails the target.  Needs clang's libFuzzer runtime (Debian:
# libclang-rt-14-dev).  E.g. make fuzz FUZZ_NAMES=signers FUZZ_SECONDS=600
FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 30
FUZZ_TIMEOUT  ?= 10
FUZZ_NAMES    ?= sshsig signers logline json glob pathname config updates
FUZZ_ARGS     ?=
FUZZ_BUILD    := $(BUILD)/fuzz
FUZZ_CFLAGS   := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Wall -Wextra \
                 -fsanitize=address,undefined -fno-sanitize-recover=all \
                 -Icommon $(shell pkg-config --cflags inih libcrypto libhs libpcre2-8)
FUZZ_LIBS     := $(shell pkg-config --libs inih libcrypto libhs libpcre2-8) -lm
# The parsers and what they call; none of them needs libgit2.
FUZZ_LIB_SRCS := $(addprefix common/,buf.c error.c escape.c wire.c readfile.c sshsig.c sshpubkey.c \
                 signers.c json.c logline.c glob.c pathname.c update.c identity.c inifile.c config.c \
                 secrules.c allowlist.c window.c logsyslog.c)
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:common/%.c=$(FUZZ_BUILD)/obj/%.o) $(FUZZ_BUILD)/obj/secrules_builtin.o
FUZZ_BINS     := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)

$(FUZZ_BUILD)/obj/%.o: common/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/obj/secrules_builtin.o: $(FUZZ_BUILD)/gen/secrules_builtin.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/libpgfuzz.a: $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libpgfuzz.a $(HDRS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libpgfuzz.a $(FUZZ_LIBS)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@fail=0; for n in $(FUZZ_NAMES); do \
	  mkdir -p $(FUZZ_BUILD)/corpus-$$n $(FUZZ_BUILD)/artifacts-$$n $(FUZZ_BUILD)/tmp; \
	  cp -R tests/fuzz/corpus/$$n/. $(FUZZ_BUILD)/corpus-$$n/; \
	  dict=; if [ -f tests/fuzz/$$n.dict ]; then dict=-dict=tests/fuzz/$$n.dict; fi; \
	  echo "== fuzz_$$n: $(FUZZ_SECONDS)s over $(FUZZ_BUILD)/corpus-$$n"; \
	  TMPDIR=$(abspath $(FUZZ_BUILD)/tmp) \
	  $(FUZZ_BUILD)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/artifacts-$$n/ $$dict \
	    $(FUZZ_ARGS) $(FUZZ_BUILD)/corpus-$$n </dev/null || { \
	    echo "== fuzz_$$n: FOUND A PROBLEM, input in $(FUZZ_BUILD)/artifacts-$$n/"; fail=1; }; \
	done; exit $$fail
