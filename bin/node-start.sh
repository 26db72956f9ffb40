# Sourced by bin/supervise and bin/supervisectl, with $name (the command),
# $self (their resolved path) and $entry (the dist/ module to run) set.
#
# The caller's environment must not change how supervise's own Node starts:
# - NODE_EXTRA_CA_CERTS makes every Node start read a CA bundle (tens of
#   milliseconds); supervise needs those CAs only for mail over TLS
#   (src/io/extra-ca-certs.ts owns the variable and the name it is parked as).
# - NODE_OPTIONS can open an inspector (--inspect), which runs whatever code
#   it is sent with supervise's privileges, or pass flags never tested here.
# Both are parked under SUPERVISE_ names; the daemon puts them back before it
# starts the service (src/io/daemon-environment.ts).
if [ -n "${NODE_EXTRA_CA_CERTS+set}" ]; then
  SUPERVISE_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS
  export SUPERVISE_NODE_EXTRA_CA_CERTS
  unset NODE_EXTRA_CA_CERTS
fi
if [ -n "${NODE_OPTIONS+set}" ]; then
  SUPERVISE_NODE_OPTIONS=$NODE_OPTIONS
  export SUPERVISE_NODE_OPTIONS
  unset NODE_OPTIONS
fi

# Node aborts with a native stack trace when it cannot open the descriptors it
# needs for itself (about 20). Measured: an idle daemon holds 24, a start adds
# 4 for a moment, the foreground supervise fails below 29, and alarms (a mail
# socket, a gsm command's pipes) need more: 64 leaves a margin. Node raises
# its soft limit to the hard one, so the hard limit is the one that counts.
# Probed in subshells: a command substitution needs descriptors of its own.
min_descriptors=64
if ! (ulimit -Sn "$min_descriptors") 2>/dev/null; then
  low=0 high=$min_descriptors
  while [ $((high - low)) -gt 1 ]; do
    middle=$(((low + high) / 2))
    if (ulimit -Sn "$middle") 2>/dev/null; then low=$middle; else high=$middle; fi
  done
  # exec: `echo >&2` would need one more descriptor to save stdout in.
  exec >&2
  echo "$name: unable to start: too few file descriptors (ulimit -n $low, $min_descriptors needed)"
  exit 111 # EXIT_LOCK in src/core/exit-codes.ts
fi

# Node raises its soft limit of open files to the hard one; the service must
# get the caller's (SPEC section 15), so it is noted before Node starts
# (src/io/process-limits.ts takes it out of the environment again).
if [ "$name" = supervise ] || [ "$name" = supervise-scan ]; then
  SUPERVISE_CALLER_NOFILE=$(ulimit -Sn)
  export SUPERVISE_CALLER_NOFILE
fi

# Node from PATH, or, under a PATH without it (cron's /usr/bin:/bin while Node
# is in /usr/local/bin), the one the build ran on (scripts/build.mjs).
if command -v node >/dev/null 2>&1; then
  exec node "$entry" "$@"
fi
node_path_file=${self%/bin/*}/dist/node-path
node=
[ -r "$node_path_file" ] && read -r node < "$node_path_file"
if [ -z "$node" ] || [ ! -x "$node" ]; then
  echo "$name: unable to find node: not on PATH (${PATH-unset}) nor at ${node:-the path in $node_path_file}" >&2
  exit 127 # EXIT_NO_NODE in src/core/exit-codes.ts
fi
exec "$node" "$entry" "$@"
