// The function server for the http-mode benchmark, in the style of the OpenFaaS Node templates.
const http = require("http");
const port = parseInt(process.argv[2] || "3000", 10);
http.createServer((req, res) => {
  if (req.url === "/echo") {
    // the stress run's echo: the body back as it came
    res.setHeader("Content-Type", "application/octet-stream");
    req.pipe(res);
    return;
  }
  res.setHeader("Content-Type", "text/plain");
  res.end("Hello from the function\n");
}).listen(port, "127.0.0.1");
