// An afterburn worker in the style of the Node client library (openfaas/nodejs-afterburn): each read of stdin is
// taken as one whole request, head and body, the body's length found under "Content-Length" spelled exactly so;
// the answer echoes the body, framed by Content-Length.
process.stdin.on('data', (chunk) => {
  const text = chunk.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const lines = text.substring(0, end).split('\r\n');
  const headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.substring(0, colon)] = line.substring(colon + 1).trim();
  }
  const length = parseInt(headers['Content-Length'], 10);
  const body = chunk.subarray(Buffer.byteLength(text.substring(0, end + 4), 'latin1'));
  if (body.length !== length) {
    process.stderr.write(`read ${body.length} bytes of a ${length}-byte body in one read\n`);
    process.exit(2);
  }
  process.stdout.write(`HTTP/1.1 200 OK\r\nContent-Type: ${headers['Content-Type'] || 'text/plain'}\r\n`
    + `X-Request-Line: ${lines[0]}\r\nContent-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
});
process.stdin.on('end', () => process.exit(0));
