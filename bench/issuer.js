// A stand-in OpenFaaS issuer for the JWT benchmark: OIDC discovery and a JWKS with one RSA key, and a valid token
// for openfaas-fn:bench (one hour) written to the file named by the second argument.
const http = require("http");
const crypto = require("crypto");
const fs = require("fs");
const port = parseInt(process.argv[2] || "18095", 10);
const issuer = `http://127.0.0.1:${port}`;
const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: "jwk" }), kid: "bench", alg: "RS256", use: "sig" };
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = Math.floor(Date.now() / 1000);
const input = b64({ alg: "RS256", typ: "JWT", kid: "bench" }) + "." + b64({
  iss: issuer, aud: [issuer], sub: "bench", iat: now, exp: now + 3600,
  function: { permissions: ["openfaas-fn:bench"], audience: [] },
});
const token = input + "." + crypto.sign("RSA-SHA256", Buffer.from(input), privateKey).toString("base64url");
fs.writeFileSync(process.argv[3] || "token.txt", token);
http.createServer((req, res) => {
  res.setHeader("Content-Type", "application/json");
  if (req.url === "/.well-known/openid-configuration") {
    res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
  } else if (req.url === "/jwks") {
    res.end(JSON.stringify({ keys: [jwk] }));
  } else {
    res.statusCode = 404;
    res.end("{}");
  }
}).listen(port, "127.0.0.1");
