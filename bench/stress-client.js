// The stress client: TOTAL requests, CONCURRENCY at a time, a share of them abandoned half-way (the request body
// half sent, or the response half read). Every completed answer is checked: an echo must equal what was sent, a
// file must equal the file on disk. Prints one JSON line of counts.
// Usage: node stress-client.js URL TOTAL CONCURRENCY ABANDON_PERCENT echo|file [FILE]
"use strict";
const http = require("http");
const fs = require("fs");
const crypto = require("crypto");
const [url, total, concurrency, abandonPercent, kind, file] = process.argv.slice(2);
const expectedFile = kind === "file" ? fs.readFileSync(file) : null;
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const counts = { ok: 0, wrong: 0, failed: 0, abandoned: 0, statuses: {} };
let started = 0;

function one() {
  if (started >= Number(total)) return Promise.resolve();
  const index = started++;
  const abandon = Math.random() * 100 < Number(abandonPercent);
  return new Promise((resolve) => {
    const body = kind === "echo" ? crypto.randomBytes(1024 + (index % 16) * 512) : null;
    const req = http.request(url, { method: body ? "POST" : "GET", agent: abandon ? false : agent,
      headers: body ? { "Content-Length": body.length } : {} }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => {
        chunks.push(chunk);
        if (abandon) { counts.abandoned++; req.destroy(); resolve(); }
      });
      res.on("end", () => {
        if (abandon) return;
        counts.statuses[res.statusCode] = (counts.statuses[res.statusCode] || 0) + 1;
        const got = Buffer.concat(chunks);
        const want = body || expectedFile;
        if (res.statusCode === 200 && got.equals(want)) counts.ok++; else counts.wrong++;
        resolve();
      });
      res.on("error", () => resolve());
    });
    req.on("error", () => { if (!abandon) counts.failed++; resolve(); });
    if (body && abandon) {
      // half the body, then hang up
      req.write(body.subarray(0, body.length / 2), () => setTimeout(() => {
        if (!req.destroyed) { counts.abandoned++; req.destroy(); resolve(); }
      }, 20));
    } else {
      req.end(body || undefined);
    }
  }).then(one);
}

Promise.all(Array.from({ length: Number(concurrency) }, one)).then(() => {
  console.log(JSON.stringify(counts));
  agent.destroy();
});
