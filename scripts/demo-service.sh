#!/bin/sh
# The demo service: prints the time every 5 seconds, to stdout (__stdout).
while :; do
  date '+%Y-%m-%d %H:%M:%S demo service is alive'
  sleep 5
done
