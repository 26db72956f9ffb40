#!/bin/sh
# Starts a demo service under supervise in ./demo and shows its status.
# Stop it with: bin/supervisectl exit --wait demo/status/clock  (after stop)
set -eu
cd "$(dirname "$0")/.."
mkdir -p demo
cat > demo/supervise.conf <<'CONF'
[global]
alarm_interval : 60
max_tries : 10
CONF
if bin/supervisectl check demo/status/clock 2>/dev/null; then
  echo "the demo already runs"
else
  bin/supervise -F demo/supervise.conf -p demo/status/clock -f "scripts/demo-service.sh"
fi
bin/supervisectl status demo/status/clock
echo "pid from the status file: $(od -An -j16 -N4 -tu4 demo/status/clock/status | tr -d ' ')"
echo "stop it:  bin/supervisectl stop --wait demo/status/clock && bin/supervisectl exit --wait demo/status/clock"
