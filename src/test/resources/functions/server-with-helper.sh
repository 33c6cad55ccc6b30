#!/bin/sh
# An http-mode function server that starts a helper process first (as some templates start a sidecar or a worker):
# the helper's pid goes to the file named by $2, then the server replaces this shell.
sleep 300 &
echo $! > "$2"
exec java -cp target/test-classes dev.fwatchdog.support.TestUpstream "$1"
