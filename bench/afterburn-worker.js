// The afterburn benchmark's worker: each request read off stdin (a whole one, however the reads split it) is answered
// with its body echoed, framed by Content-Length.
let pending = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
  for (;;) {
    const end = pending.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = pending.subarray(0, end).toString('latin1');
    const length = Number(/\r\nContent-Length: (\d+)/.exec(head)[1]);
    if (pending.length < end + 4 + length) return;
    const body = pending.subarray(end + 4, end + 4 + length);
    pending = pending.subarray(end + 4 + length);
    process.stdout.write(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n'
      + `Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]));
  }
});
process.stdin.on('end', () => process.exit(0));
