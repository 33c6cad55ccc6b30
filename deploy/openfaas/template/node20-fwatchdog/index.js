// The template's function server: plain Node http on 127.0.0.1:3000, calling the user's handler per request.
"use strict";
const http = require("http");
const handler = require("./function/handler");

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  try {
    const result = await handler({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(result.status || 200, result.headers || { "Content-Type": "text/plain" });
    res.end(result.body === undefined ? "" : result.body);
  } catch (err) {
    console.error(err);
    res.writeHead(500, { "Content-Type": "text/plain" });
    res.end(String(err) + "\n");
  }
});
server.keepAliveTimeout = 5000;
server.listen(3000, "127.0.0.1");
// fwatchdog sends SIGTERM only after its drain, so finishing the open connections is all that is left.
process.on("SIGTERM", () => server.close(() => process.exit(0)));
