# Gateway Studio. Two commands matter: `make run` and `make test`; both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := run

CARGO ?= cargo
# A private D-Bus session with its own unlocked gnome-keyring: the tests use the real Secret
# Service without touching yours. GUI runs add Debian's Xvfb.
KEYRING := NO_AT_BRIDGE=1 dbus-run-session -- scripts/with-keyring.sh
GUI := $(KEYRING) xvfb-run -a -s "-screen 0 1280x800x24"

.PHONY: run setup setup-test ui build test lint test-rust test-ui test-e2e bindings bench clean

## make run: install what is missing, build the UI and the app, open the window.
run: setup build
	./target/debug/gateway-studio

setup:
	@scripts/setup.sh build

setup-test:
	@scripts/setup.sh test

ui:
	@cd ui && npm run --silent build -- --logLevel warn

build: ui
	$(CARGO) build --quiet

## make test: every suite: format, lints, Rust tests, UI checks and tests, the real window.
test: setup-test ui lint test-rust test-ui test-e2e

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --quiet --workspace --all-targets -- -D warnings

test-rust:
	$(KEYRING) $(CARGO) test --quiet

test-ui:
	cd ui && npm run --silent check && npm run --silent test

test-e2e: build
	$(GUI) $(CARGO) test --quiet -p gateway-studio-e2e -- --test-threads=1
	@echo "screenshots: target/e2e-artifacts/"

## Regenerate ui/src/lib/bindings.ts from the Rust commands.
bindings:
	UPDATE_BINDINGS=1 $(CARGO) test --quiet --test integration bindings

## Start-up time, memory and binary size against a bare Tauri app (release, Xvfb), the check
## suite's wall time against the same requests sent with curl, and the Traces list over 1M
## exchanges.
bench: setup-test ui
	scripts/bench.sh
	$(CARGO) run --quiet --release -p bench-checks
	$(CARGO) run --quiet --release -p bench-traces

clean:
	$(CARGO) clean
	rm -rf ui/dist ui/node_modules
