import { createServer } from 'node:http';
import { CEILING_TOKEN } from './token';

const port = Number(process.env.PORT ?? '3000');
const expected = `Bearer ${CEILING_TOKEN}`;
const unauthorized = JSON.stringify({
  statusCode: 401,
  message: 'Unauthorized',
  error: 'Unauthorized',
});

// What answering /bbb costs with no framework and no cryptography: a string comparison.
const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/bbb') {
    if (request.headers.authorization === expected) {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('bbb');
    } else {
      response.writeHead(401, {
        'content-type': 'application/json; charset=utf-8',
        'www-authenticate': 'Bearer error="invalid_token"',
      });
      response.end(unauthorized);
    }
    return;
  }
  if (request.method === 'GET' && request.url === '/aaa') {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('aaa');
    return;
  }
  response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ statusCode: 404, message: 'Not Found', error: 'Not Found' }));
});

server.listen(port, '127.0.0.1', () => {
  console.log(`Ceiling listening on http://127.0.0.1:${port}`);
});
