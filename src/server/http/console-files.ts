// GET / and /console/<file>: the web console's static files (the package's console/ directory, see
// docs/console.md) and uPlot's dist files from node_modules. Served without the token: they are
// the same public files the npm package ships and carry no data; every data request the page
// makes goes to the API routes, which check the token (the page sends it as a Bearer header).
// A file name is one path segment of a fixed alphabet, looked up in a fixed table, so no request
// reaches a file outside the two directories whatever its dots, slashes or escapes.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpResponse } from './exchange.js';

/** From src/server/http/ (tsx) and dist/server/http/ (built) alike: three levels up is the package. */
const CONSOLE_DIR = fileURLToPath(new URL('../../../console/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The files of console/ the page loads, and the vendored ones under the names the page uses. */
function fileTable(): ReadonlyMap<string, string> {
  const require = createRequire(import.meta.url);
  const vendored: [string, string][] = [];
  try {
    for (const [name, f] of [
      ['uplot.min.js', 'uPlot.iife.min.js'],
      ['uplot.min.css', 'uPlot.min.css'],
    ] as const)
      vendored.push([name, require.resolve(`uplot/dist/${f}`)]);
  } catch {
    // uplot not installed (a dependency, so only in a broken install): the page loads without
    // charts and the API is served as ever; the two names answer 404.
  }
  return new Map([
    ['index.html', join(CONSOLE_DIR, 'index.html')],
    ['console.js', join(CONSOLE_DIR, 'console.js')],
    ['console.css', join(CONSOLE_DIR, 'console.css')],
    ['api.js', join(CONSOLE_DIR, 'api.js')],
    ['charts.js', join(CONSOLE_DIR, 'charts.js')],
    ['plan.js', join(CONSOLE_DIR, 'plan.js')],
    ['editor.js', join(CONSOLE_DIR, 'editor.js')],
    ...vendored,
  ]);
}

const SAFE_NAME = /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9]+)+$/i;

export class ConsoleFiles {
  private readonly files = fileTable();
  private readonly cache = new Map<string, Buffer>();

  /** Whether `path` (normalised, no trailing slash) is the console's: / or /console[/…]. */
  static owns(path: string): boolean {
    return path === '/' || path === '/console' || path.startsWith('/console/');
  }

  /** Answers GET `path`: 200 with the file, or 404 for any name not in the table. */
  serve(path: string, res: HttpResponse): void {
    const name = path === '/' || path === '/console' ? 'index.html' : path.slice('/console/'.length);
    const file = SAFE_NAME.test(name) ? this.files.get(name) : undefined;
    if (!file) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('not found\n');
      return;
    }
    let body = this.cache.get(name);
    if (!body) {
      body = readFileSync(file);
      this.cache.set(name, body);
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', CONTENT_TYPES[extname(name)] ?? 'application/octet-stream');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Scripts and styles from this origin only; uPlot sets element styles from script, which the
    // policy's 'unsafe-inline' for styles allows (no inline script is allowed).
    res.setHeader('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
    res.setHeader('Cache-Control', 'no-cache');
    res.end(body);
  }
}
