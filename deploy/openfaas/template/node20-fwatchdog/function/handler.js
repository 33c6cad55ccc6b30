"use strict";
// Called once per request; returns { status, headers, body }.
module.exports = async (request) => ({
  status: 200,
  headers: { "Content-Type": "text/plain" },
  body: `Hello from ${request.method} ${request.url}: ${request.body.length} bytes\n`,
});
