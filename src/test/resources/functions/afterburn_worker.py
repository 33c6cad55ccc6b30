"""An afterburn worker for the tests: reads HTTP/1.1 requests on stdin, answers on stdout, one after another.

The path says what to do (WATCHDOG.md 4.6 names each case): /echo, /head (the request head it read, as the body),
/status?code=N, /chunked, /sleep?ms=N, /crash, /hang, /garbage, /extra (bytes past its answer), /partial (exits
half-way through its body), /unframed (no Content-Length, no chunking). With --exit-at-start it exits at once.
Each worker writes its pid to the file named by $PID_FILE, when set.
"""
import os
import sys
import time
from urllib.parse import urlsplit, parse_qs

if "--exit-at-start" in sys.argv:
    sys.exit(4)
if os.environ.get("PID_FILE"):
    with open(os.environ["PID_FILE"], "a") as pids:
        pids.write("%d\n" % os.getpid())

stdin = sys.stdin.buffer
stdout = sys.stdout.buffer


def answer(status, body=b"", headers=()):
    head = "HTTP/1.1 %d %s\r\n" % (status, "OK" if status == 200 else "Chosen")
    for name, value in headers:
        head += "%s: %s\r\n" % (name, value)
    head += "Content-Length: %d\r\n\r\n" % len(body)
    stdout.write(head.encode("latin-1") + body)
    stdout.flush()


while True:
    request_line = stdin.readline()
    if not request_line:
        sys.exit(0)
    method, target, _ = request_line.decode("latin-1").split(" ", 2)
    raw_head = [request_line]
    headers = {}
    while True:
        line = stdin.readline()
        raw_head.append(line)
        if line in (b"\r\n", b"\n", b""):
            break
        name, value = line.decode("latin-1").split(":", 1)
        headers[name] = value.strip()
    body = stdin.read(int(headers.get("Content-Length", "0")))
    url = urlsplit(target)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    path = url.path
    pid = ("X-Worker-Pid", str(os.getpid()))
    if path == "/echo":
        answer(200, body, [pid, ("Content-Type", "application/octet-stream")])
    elif path == "/head":
        answer(200, b"".join(raw_head), [pid])
    elif path == "/status":
        answer(int(query["code"]), b"chosen\n", [pid, ("X-Chosen", "yes"), ("Set-Cookie", "a=1"),
                                                ("Set-Cookie", "b=2"), ("Connection", "keep-alive, X-Private"),
                                                ("X-Private", "hop"), ("Keep-Alive", "timeout=5")])
    elif path == "/nobody":
        stdout.write(b"HTTP/1.1 204 No Content\r\nX-Worker-Pid: %d\r\n\r\n" % os.getpid())
        stdout.flush()
    elif path == "/chunked":
        stdout.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Worker-Pid: %d\r\n\r\n" % os.getpid())
        for piece in (b"one,", b"two,", b"three"):
            stdout.write(b"%x;ext=1\r\n%s\r\n" % (len(piece), piece))
            stdout.flush()
        stdout.write(b"0\r\nX-Trailer: t\r\n\r\n")
        stdout.flush()
    elif path == "/sleep":
        time.sleep(int(query.get("ms", "100")) / 1000)
        answer(200, b"slept", [pid])
    elif path == "/crash":
        sys.exit(3)
    elif path == "/hang":
        time.sleep(3600)
    elif path == "/garbage":
        stdout.write(b"this is not HTTP\r\n\r\n")
        stdout.flush()
    elif path == "/extra":
        answer(200, b"ok", [pid])
        stdout.write(b"trailing bytes")
        stdout.flush()
    elif path == "/partial":
        stdout.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..")
        stdout.flush()
        sys.exit(5)
    elif path == "/unframed":
        stdout.write(b"HTTP/1.1 200 OK\r\nX-Worker-Pid: %d\r\n\r\nbody without framing" % os.getpid())
        stdout.flush()
    elif path == "/stderr":
        sys.stderr.write("a line on stderr\n")
        sys.stderr.flush()
        answer(200, b"logged", [pid])
    else:
        answer(404, b"no such case\n", [pid])
