#!/bin/sh
# One test function, many behaviours: the request path picks one.
# Pids of background processes are appended to the file named by the X-Pid-File header, so tests can check them.
case "$Http_Path" in
  /env*)
    env ;;
  /exit3)
    echo "partial output"; exit 3 ;;
  /exit3-silent)
    exit 3 ;;
  /sleep)
    echo $$ >> "$Http_X_Pid_File"; sleep 30 ;;
  /sleep-silent)
    echo $$ >> "$Http_X_Pid_File"; exec sleep 30 ;;
  /grandchildren)
    sleep 30 & echo $! >> "$Http_X_Pid_File"
    sh -c 'sleep 30 & echo $! >> "$Http_X_Pid_File"; wait' &
    echo $! >> "$Http_X_Pid_File"
    echo $$ >> "$Http_X_Pid_File"
    wait ;;
  /stderr)
    printf 'line one\nline two\nno newline at the end' >&2; echo ok ;;
  /slow)
    for i in 1 2 3 4; do echo "tick $i"; sleep 0.4; done ;;
  /late-fail)
    echo "first part"; sleep 0.2; exit 2 ;;
  /flood)
    # 100 MB of 100-byte log lines, as fast as the machine writes them
    head -c 99000000 /dev/zero | tr '\0' 'x' | fold -w 99 >&2; echo flooded ;;
  /big-output)
    # 40 MB on stdout: more than a 64 MB heap lets serializing mode hold
    head -c 40000000 /dev/zero ;;
  /process-group)
    # its pid and its process group (the fifth field of /proc/PID/stat)
    set -- $(cat /proc/$$/stat); echo "$1 $5" ;;
  /endless)
    echo $$ >> "$Http_X_Pid_File"; exec cat /dev/zero ;;
  /ignore-input)
    echo "did not read it" ;;
  *)
    cat ;;
esac
