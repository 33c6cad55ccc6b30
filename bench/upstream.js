// The function server for the http-mode benchmark, in the style of the OpenFaaS Node templates.
const http = require("http");
const port = parseInt(process.argv[2] || "3000", 10);
http.createServer((req, res) => {
  res.setHeader("Content-Type", "text/plain");
  res.end("Hello from the function\n");
}).listen(port, "127.0.0.1");
