#!/usr/bin/env bash
# Runs a command with a private, unlocked Secret Service (gnome-keyring), so tests use the real
# keyring without touching the user's own. Call it inside `dbus-run-session --`.
set -eu
# Toolchains stay where they are; only the keyring's home moves.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
HOME=$(mktemp -d)
XDG_DATA_HOME=$(mktemp -d)
export HOME XDG_DATA_HOME
# An empty password on stdin (a newline, not zero bytes) creates and unlocks the login keyring.
eval "$(echo "" | gnome-keyring-daemon --daemonize --unlock --components=secrets | sed 's/^/export /')"
set +e
"$@"
rc=$?
[ -n "${GNOME_KEYRING_PID:-}" ] && kill "$GNOME_KEYRING_PID" 2>/dev/null
exit $rc
