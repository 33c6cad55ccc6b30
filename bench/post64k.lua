-- wrk: POST a 64 KiB body (to the upstream's /echo, which sends it back)
wrk.method = "POST"
wrk.body = string.rep("x", 65536)
wrk.headers["Content-Type"] = "application/octet-stream"
