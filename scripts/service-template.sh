#!/bin/sh
# Start script for one module run under supervise.
#
# Copy this file into the module's root directory (the one holding bin/ and
# conf/), name it after the module (e.g. redis_control), edit MODULE and
# COMMAND below, and run:
#
#   ./redis_control start|stop|restart|status|reload|alarm on|alarm off
#
# The status directory is status/$MODULE under the module's root, so the
# classic tools keep working: `od -An -j16 -N4 -tu4 status/redis/status`.

MODULE=redis
COMMAND="./bin/redis-server conf/redis.conf"

# Why -f and not -u: POSIX sh has no arrays, so an argv kept in one variable
# would have to be split by the shell, which also expands globs and ignores
# quotes. supervise -f splits COMMAND itself, quotes and backslashes as a shell
# would and nothing expanded, and runs the program as its direct child, so the
# pid in status is the program's own. It is also the string classic start
# scripts already pass.

set -u

# Everything below is relative to the module's root, wherever we are called
# from. The script's own real path, not $0: called through a link such as
# /etc/init.d/redis -> /home/work/redis/redis_control, the link's directory
# holds no status/ of this module.
SCRIPT=$(readlink -f -- "$0") || exit 1
ROOT=$(dirname -- "$SCRIPT") || exit 1
cd "$ROOT" || exit 1

STATUS_DIR=status/$MODULE
SUPERVISE_CONF=${SUPERVISE_CONF:-supervise.conf}
# How long start, stop and restart wait for the service to get there.
WAIT_SECONDS=${WAIT_SECONDS:-7}

# supervise and supervisectl: from the environment (absolute paths), else
# next to the module's own binaries, else on PATH.
find_tool() {
    if [ -x "$ROOT/bin/$1" ]; then
        echo "$ROOT/bin/$1"
    elif command -v "$1" >/dev/null 2>&1; then
        command -v "$1"
    else
        echo "$MODULE: cannot find $1 in $ROOT/bin or on PATH; set ${2}=/path/to/$1" >&2
        exit 111
    fi
}
SUPERVISE=${SUPERVISE:-$(find_tool supervise SUPERVISE)} || exit 111
SUPERVISECTL=${SUPERVISECTL:-$(find_tool supervisectl SUPERVISECTL)} || exit 111

# True while a supervise runs on the status directory (the ok FIFO test);
# false when none runs or none was ever set up there. Anything else, such as
# another user's 0700 status directory, is no answer: say so and stop, rather
# than report "not running" (or start a second supervise).
is_supervised() {
    probe=$("$SUPERVISECTL" check "$STATUS_DIR" 2>&1)
    probe_status=$?
    case $probe_status in
    0) return 0 ;;
    100 | 111) return 1 ;;
    esac
    echo "$probe" >&2
    exit "$probe_status"
}

do_start() {
    if is_supervised; then
        # Maybe stopped with `d` by hand: want it up again.
        "$SUPERVISECTL" start --wait="$WAIT_SECONDS" "$STATUS_DIR" || return
    else
        # supervise returns once its daemon runs the service.
        "$SUPERVISE" -F "$SUPERVISE_CONF" -p "$STATUS_DIR" -f "$COMMAND" || return
        "$SUPERVISECTL" start --wait="$WAIT_SECONDS" "$STATUS_DIR" || return
    fi
    "$SUPERVISECTL" status "$STATUS_DIR"
}

# Stops the service, then supervise, so the next start reads COMMAND afresh.
do_stop() {
    if ! is_supervised; then
        echo "$STATUS_DIR: supervise not running"
        return 0
    fi
    "$SUPERVISECTL" stop --wait="$WAIT_SECONDS" "$STATUS_DIR" || return
    "$SUPERVISECTL" exit --wait="$WAIT_SECONDS" "$STATUS_DIR" || return
    echo "$STATUS_DIR: stopped"
}

do_status() {
    if ! is_supervised; then
        echo "$STATUS_DIR: supervise not running"
        return 111
    fi
    "$SUPERVISECTL" status "$STATUS_DIR"
}

usage() {
    echo "usage: $0 start|stop|restart|status|reload|alarm on|alarm off" >&2
    exit 100
}

[ $# -ge 1 ] || usage
case $1 in
start)
    do_start
    ;;
stop)
    do_stop
    ;;
restart)
    do_stop && do_start
    ;;
status)
    do_status
    ;;
reload)
    # supervise re-reads supervise.conf (alarm settings). For a service that
    # reloads its own config on HUP, use: "$SUPERVISECTL" hup "$STATUS_DIR"
    is_supervised || { echo "$STATUS_DIR: supervise not running" >&2; exit 111; }
    "$SUPERVISECTL" reload "$STATUS_DIR"
    ;;
alarm)
    [ $# -eq 2 ] || usage
    case $2 in on | off) ;; *) usage ;; esac
    is_supervised || { echo "$STATUS_DIR: supervise not running" >&2; exit 111; }
    "$SUPERVISECTL" alarm "$2" "$STATUS_DIR"
    ;;
*)
    usage
    ;;
esac
