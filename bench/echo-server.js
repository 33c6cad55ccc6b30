// The http-mode side of the afterburn benchmark: the same work as bench/afterburn-worker.js (the body read whole,
// echoed with Content-Length), as a Node HTTP server.
const http = require('http');
http.createServer((req, res) => {
  const pieces = [];
  req.on('data', (piece) => pieces.push(piece));
  req.on('end', () => {
    const body = Buffer.concat(pieces);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
    res.end(body);
  });
}).listen(parseInt(process.argv[2] || '3000', 10), '127.0.0.1');
