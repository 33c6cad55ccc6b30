"use strict";
// hello-fwatchdog: answers with what it was sent, as JSON.
module.exports = async ({ method, url, headers, body }) => ({
  status: 200,
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ method, url, contentType: headers["content-type"] || null, bytes: body.length }) + "\n",
});
