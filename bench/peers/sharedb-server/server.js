// A stock ShareDB 7 server, in memory, with the text-unicode and rich-text types registered: the reference peer the front end is
// developed and checked against, and the ShareDB side of the ShareDB-vs-CollabSuite benchmark. Keep it stock.
// Usage: node server.js [port]   (or PORT=...; 0 picks a free port). Binds 127.0.0.1 and prints "listening on PORT".
'use strict';
const http = require('http');
const ShareDB = require('sharedb');
const WebSocket = require('ws');
const WebSocketJSONStream = require('@teamwork/websocket-json-stream');
const { type: textUnicode } = require('ot-text-unicode');

// ot-text-unicode ships no transformPresence, and ShareDB refuses presence for a type without one. This is the
// transform of /work/shared/PROTOCOL.md: a cursor {index} or selection {index, length} (code points) moved through
// an op; other fields of the value (name, colour) are kept.
function transformPresence(presence, op) {
  if (presence == null || typeof presence.index !== 'number') return presence;
  const index = textUnicode.transformPosition(presence.index, op);
  if (typeof presence.length !== 'number') return { ...presence, index };
  const end = textUnicode.transformPosition(presence.index + presence.length, op);
  return { ...presence, index, length: end - index };
}

ShareDB.types.register({ ...textUnicode, transformPresence });
// rich-text (Quill Delta) ships its own transformPresence.
ShareDB.types.register(require('rich-text').type);

const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid port ${process.argv[2] ?? process.env.PORT}: give an integer 0-65535`);
  process.exit(2);
}

const backend = new ShareDB({ presence: true });
const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'text/plain' });
  res.end(req.url === '/healthz' ? 'ok' : 'not found');
});
const wss = new WebSocket.Server({ server });
wss.on('connection', (ws) => {
  const stream = new WebSocketJSONStream(ws);
  // ShareDB may still write to a socket the client has just dropped; the stream reports that as an 'error' event,
  // which would end the process if nobody listened. The connection is gone either way: log it and go on.
  stream.on('error', (error) => console.warn(`connection error: ${error.message}`));
  backend.listen(stream);
});

server.listen(port, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
const stop = () => {
  for (const client of wss.clients) client.terminate();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
