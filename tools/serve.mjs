#!/usr/bin/env node
// Dependency-free static file server for the hairline visualizer.
//
//   node tools/serve.mjs [--root DIR] [--port N] [--host H] [--verbose]
//
// Defaults: --root www, --port $PORT or 8080, --host 127.0.0.1.
// With SERVE_TEST_PHOTOS=1 in the environment (the tests), three test
// mounts are added: /__photos/ (read-only) from the shared test photos
// (../shared/photos beside the repository, or $HV_PHOTOS_DIR; see
// photos-dir.mjs), /__tests/ from tests/e2e/pages, and /__testpkg/ from the
// test build in target/pkg-test. A normal `make serve` exposes none of them.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { photosDir } from './photos-dir.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

const CSP_BASE = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
];
const CSP = [...CSP_BASE, "frame-ancestors 'self'"].join('; ');
// embed.html exists to be framed by clinics' pages; it answers only the
// origins it is given (see www/embed.js).
const CSP_EMBED = [...CSP_BASE, 'frame-ancestors *'].join('; ');

function usage(code) {
  const out = code === 0 ? process.stdout : process.stderr;
  out.write('usage: node tools/serve.mjs [--root DIR] [--port N] [--host H] [--verbose]\n');
  process.exit(code);
}

function parseArgs(argv) {
  const opts = {
    root: 'www',
    port: process.env.PORT ? Number(process.env.PORT) : 8080,
    host: '127.0.0.1',
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq !== -1) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) {
        process.stderr.write(`serve: ${arg} needs a value\n`);
        usage(2);
      }
      return argv[++i];
    };
    switch (arg) {
      case '--root': opts.root = next(); break;
      case '--port': opts.port = Number(next()); break;
      case '--host': opts.host = next(); break;
      case '--verbose': case '-v': opts.verbose = true; break;
      case '--help': case '-h': usage(0); break;
      default:
        process.stderr.write(`serve: unknown argument ${argv[i]}\n`);
        usage(2);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    process.stderr.write(`serve: bad port ${opts.port}\n`);
    usage(2);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const root = path.resolve(opts.root);
if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
  process.stderr.write(`serve: root ${root} is not a directory\n`);
  process.exit(2);
}

// Mounts: URL prefix -> directory. The longest matching prefix wins.
const mounts = [{ prefix: '/', dir: root }];
if (process.env.SERVE_TEST_PHOTOS === '1') {
  mounts.unshift({ prefix: '/__photos/', dir: photosDir(REPO_ROOT) });
  // Test-only pages (a clinic page hosting the iframe embed, …).
  // Test-only pages stand for a clinic's own site: they get no CSP of ours.
  mounts.unshift({ prefix: '/__tests/', dir: path.resolve(REPO_ROOT, 'tests', 'e2e', 'pages'), foreign: true });
  // The test build (`make build-test`: bench fixtures, the test panic),
  // laid out like the site: an element with base-url="/__testpkg/" loads it.
  mounts.unshift({ prefix: '/__testpkg/', dir: path.resolve(REPO_ROOT, 'target', 'pkg-test') });
}

function baseHeaders(contentType, urlPath = '', foreign = false) {
  const h = {
    'Content-Type': contentType,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  };
  if (contentType.startsWith('text/html') && !foreign) {
    h['Content-Security-Policy'] = path.basename(urlPath) === 'embed.html' ? CSP_EMBED : CSP;
    h['Referrer-Policy'] = 'no-referrer';
  }
  return h;
}

function sendText(req, res, status, title, detail = '') {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${status} ${title}</title></head>
<body><h1>${status} ${title}</h1>${detail ? `<p>${detail}</p>` : ''}</body></html>
`;
  const headers = baseHeaders('text/html; charset=utf-8');
  headers['Content-Length'] = Buffer.byteLength(body);
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function isInside(dir, target) {
  const rel = path.relative(dir, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function resolveRequest(urlPath) {
  const mount = mounts.find((m) => urlPath === m.prefix.replace(/\/$/, '') || urlPath.startsWith(m.prefix));
  const rest = urlPath === mount.prefix.replace(/\/$/, '') ? '' : urlPath.slice(mount.prefix.length);
  // Reject encoded or literal traversal and NUL bytes before touching the disk.
  if (rest.includes('\0')) return { status: 400 };
  const segments = rest.split(/[\\/]+/);
  if (segments.some((s) => s === '..')) return { status: 403 };
  const target = path.resolve(mount.dir, ...segments.filter((s) => s !== '' && s !== '.'));
  if (!isInside(mount.dir, target)) return { status: 403 };
  return { status: 200, mount, target };
}

function serveFile(req, res, file, stat, foreign = false) {
  const type = MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
  const headers = baseHeaders(type, file, foreign);
  headers['Content-Length'] = stat.size;
  headers['Last-Modified'] = stat.mtime.toUTCString();
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = fs.createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendText(req, res, 405, 'Method Not Allowed');
    return;
  }
  let urlPath;
  let rawSegments;
  try {
    // WHATWG URL parsing silently collapses `/../`; look at the raw path first
    // so that any traversal attempt is refused outright rather than remapped.
    const rawPath = req.url.split(/[?#]/, 1)[0];
    rawSegments = decodeURIComponent(rawPath).split(/[\\/]+/);
    urlPath = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  } catch {
    sendText(req, res, 400, 'Bad Request');
    return;
  }
  if (rawSegments.some((s) => s === '..')) {
    sendText(req, res, 403, 'Forbidden');
    return;
  }
  const r = resolveRequest(urlPath);
  if (r.status === 400) return sendText(req, res, 400, 'Bad Request');
  if (r.status === 403) return sendText(req, res, 403, 'Forbidden');

  let file = r.target;
  fs.stat(file, (err, stat) => {
    if (err) return sendText(req, res, 404, 'Not Found', 'No such file.');
    if (stat.isDirectory()) {
      if (!urlPath.endsWith('/')) {
        // Redirect so that relative URLs inside index.html resolve correctly.
        const u = new URL(req.url, 'http://localhost');
        res.writeHead(301, { Location: `${u.pathname}/${u.search}`, 'Cache-Control': 'no-cache' });
        res.end();
        return;
      }
      file = path.join(file, 'index.html');
      fs.stat(file, (err2, stat2) => {
        if (err2 || !stat2.isFile()) return sendText(req, res, 404, 'Not Found', 'No index.html here.');
        serveFile(req, res, file, stat2, !!r.mount.foreign);
      });
      return;
    }
    if (!stat.isFile()) return sendText(req, res, 404, 'Not Found');
    serveFile(req, res, file, stat, !!r.mount.foreign);
  });
}

const server = http.createServer((req, res) => {
  if (opts.verbose) {
    res.on('finish', () => {
      process.stdout.write(`${new Date().toISOString()} ${req.method} ${req.url} ${res.statusCode}\n`);
    });
  }
  try {
    handle(req, res);
  } catch (e) {
    process.stderr.write(`serve: ${e.stack || e}\n`);
    if (!res.headersSent) sendText(req, res, 500, 'Internal Server Error');
    else res.destroy();
  }
});

server.on('error', (e) => {
  process.stderr.write(`serve: ${e.message}\n`);
  process.exit(1);
});

server.listen(opts.port, opts.host, () => {
  const { port } = server.address();
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  process.stdout.write(`Serving ${root} at http://${shownHost}:${port}/\n`);
  for (const m of mounts.slice(0, -1)) process.stdout.write(`  test mount: ${m.prefix} -> ${m.dir}\n`);
});

let closing = false;
function shutdown(signal) {
  if (closing) process.exit(1); // second signal: give up waiting
  closing = true;
  if (opts.verbose) process.stdout.write(`serve: ${signal}, shutting down\n`);
  server.close(() => process.exit(0));
  server.closeIdleConnections?.();
  // Open keep-alive sockets must not keep us alive forever.
  setTimeout(() => {
    server.closeAllConnections?.();
    process.exit(0);
  }, 1000).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
