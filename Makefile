# fieldsync — build, test, demo, install.
#
#   make demo      install missing Debian packages, build, run a field-to-hub demo
#   make test      install missing Debian packages, build and run every test
#   make release   build fieldnode and missionhub for shipping (Swift runtime linked statically)
#   make bench     release build, print the benchmark figures
#   make install   install binaries, systemd units and example configs (PREFIX, DESTDIR)

SWIFT    ?= swift
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   := $(DESTDIR)$(PREFIX)/bin
UNITDIR  ?= $(DESTDIR)$(PREFIX)/lib/systemd/system
SHAREDIR := $(DESTDIR)$(PREFIX)/share/fieldsync
SYSUSERSDIR ?= $(DESTDIR)$(PREFIX)/lib/sysusers.d
# SwiftPM's build directory (another one lets a build run while `swift test` holds .build).
SCRATCH  ?= .build

# Shipped binaries carry the Swift runtime, Foundation and Dispatch inside them
# (--static-swift-stdlib), so a laptop needs no Swift toolchain: only the Debian libraries
# below (libsqlite3-0, libcurl4, libssl3, zlib1g) and libc/libstdc++, which every Debian has.
# The same flags for every release product, so that the bench reuses the shipped modules.
# Each static link prints one linker warning from the toolchain's own libFoundationEssentials.a
# ("the use of `mktemp' is dangerous": glibc's link-time note on a call inside Foundation's
# temporary-file code, not in fieldsync's sources); it is expected.
RELEASE_FLAGS := -c release --static-swift-stdlib --scratch-path $(SCRATCH)

# The C libraries we link, and pkg-config for SwiftPM's system-library targets.
DEB_PACKAGES := libsqlite3-dev libcurl4-openssl-dev libssl-dev zlib1g-dev pkg-config
# Used by tests when present (skipped with a recorded reason otherwise).
DEB_TEST_PACKAGES := systemd nginx-light openssl gzip curl sqlite3
# The bench's commit section runs the hub under strace to delay its fsyncs (a slow disk).
DEB_BENCH_PACKAGES := strace

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps bench-deps build release test demo bench install clean

all: build

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

test-deps: deps
	@missing=""; \
	for p in $(DEB_TEST_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages for tests:$$missing"; \
	  ( $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing ) \
	    || echo "warning: could not install$$missing; the tests that need them will be skipped"; \
	fi

bench-deps: deps
	@missing=""; \
	for p in $(DEB_BENCH_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages for the bench:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product fieldnode
	$(SWIFT) build $(RELEASE_FLAGS) --product missionhub

# Serial on purpose: on a 2-core machine Swift's cooperative pool has 2 threads, and long
# synchronous tests (the simulation, the kill -9 runs) would starve the in-process servers that
# the timeout and shutdown tests drive, turning a 300 ms timeout into a minute.
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --no-parallel

demo: build
	@sh Deploy/demo.sh "$$($(SWIFT) build --show-bin-path)"

bench: bench-deps
	$(SWIFT) build $(RELEASE_FLAGS) --product missionhub
	$(SWIFT) build $(RELEASE_FLAGS) --product fieldsync-bench
	"$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/fieldsync-bench"

install: release
	@bin="$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)"; set -e; \
	install -d -m 0755 $(BINDIR) $(UNITDIR) $(SHAREDIR) $(SHAREDIR)/nginx $(SYSUSERSDIR); \
	install -m 0755 "$$bin/fieldnode" "$$bin/missionhub" $(BINDIR)/; \
	for unit in fieldnode.service missionhub.service missionhub-backup.service missionhub-backup.timer; do \
	  sed 's#/usr/local#$(PREFIX)#g' Deploy/$$unit > $(UNITDIR)/$$unit; chmod 0644 $(UNITDIR)/$$unit; \
	done; \
	install -m 0644 Deploy/sysusers.d/fieldsync.conf $(SYSUSERSDIR)/fieldsync.conf; \
	install -m 0644 Deploy/fieldnode.conf.example Deploy/missionhub.conf.example $(SHAREDIR)/; \
	install -m 0644 Deploy/nginx/missionhub.conf $(SHAREDIR)/nginx/missionhub.conf; \
	install -m 0644 Deploy/README.md $(SHAREDIR)/README.md; \
	echo "installed fieldnode and missionhub in $(BINDIR), units in $(UNITDIR), sysusers in $(SYSUSERSDIR), examples in $(SHAREDIR)"

clean:
	rm -rf .build
