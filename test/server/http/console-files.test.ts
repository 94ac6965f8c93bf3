// The web console's static files over real HTTP (curl, a real process): content types, uPlot from
// node_modules, no token needed for them while the API still wants it, and no way out of the
// file table by dots, escapes or slashes.

import { describe, expect, it } from 'vitest';
import { curl, hasCurl, startHttp } from './http-helpers.js';

describe.skipIf(!hasCurl)('web console files', () => {
  it('serves the page, its modules and uPlot with their content types', async () => {
    const { base } = await startHttp();
    for (const [path, type, text] of [
      ['/', 'text/html', '<title>Eddy console</title>'],
      ['/console', 'text/html', '<title>Eddy console</title>'],
      ['/console/', 'text/html', '<title>Eddy console</title>'],
      ['/console/console.js', 'text/javascript', 'pollQueries'],
      ['/console/api.js', 'text/javascript', '/query-stream'],
      ['/console/console.css', 'text/css', '.charts'],
      ['/console/uplot.min.js', 'text/javascript', 'uPlot'],
      ['/console/uplot.min.css', 'text/css', '.u-legend'],
    ] as const) {
      const r = await curl([`${base}${path}`]);
      expect(r.status, path).toBe(200);
      expect(r.headers, path).toMatch(new RegExp(`content-type: ${type.replace('/', '\\/')}`, 'i'));
      expect(r.headers, path).toMatch(/x-content-type-options: nosniff/i);
      expect(r.body, path).toContain(text);
    }
    const head = await curl(['-I', `${base}/console/console.js`]);
    expect(head.status).toBe(200);
  });

  it('refuses .. and escaped separators, and any name outside its table', async () => {
    const { base } = await startHttp();
    const attempts = [
      '/console/../package.json',
      '/console/..%2fpackage.json',
      '/console/%2e%2e/package.json',
      '/console/%2e%2e%2fpackage.json',
      '/console/..%5cpackage.json',
      '/console/../../../../etc/passwd',
      '/console/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/console/....//package.json',
      '/console/console.js%00.html',
      '/console/uPlot.iife.min.js',
      '/console/console-files.ts',
      '/console/.gitignore',
      '/console/...',
    ];
    for (const path of attempts) {
      const r = await curl(['--path-as-is', `${base}${path}`]);
      expect(r.status, path).toBe(404);
      expect(r.body, path).not.toMatch(/"name": "eddy"|root:x:0/);
    }
    // Dot segments the URL itself resolves (as a browser would) land on the page, not above it.
    for (const path of ['/console/.', '/console/..', '/console/x/../../']) {
      const r = await curl(['--path-as-is', `${base}${path}`]);
      expect(r.body, path).toContain('<title>Eddy console</title>');
    }
  });

  it('with a token: the files are public, the API still answers 401 without it', async () => {
    const { base } = await startHttp({ token: 's3cret' });
    expect((await curl([`${base}/`])).status).toBe(200);
    expect((await curl([`${base}/console/console.js`])).status).toBe(200);
    expect((await curl([`${base}/queries/X/progress`])).status).toBe(401);
    expect((await curl(['-X', 'POST', `${base}/ksql`, '-d', '{"ksql":"SHOW QUERIES;"}'])).status).toBe(401);
    // A POST to the page is not a file request: it needs the token like the rest.
    expect((await curl(['-X', 'POST', `${base}/`])).status).toBe(401);
    // The console's own requests are refused with a Bearer challenge, which opens no browser dialog.
    const page = await curl(['-X', 'POST', `${base}/ksql`, '-H', 'X-Requested-With: eddy-console', '-d', '{"ksql":"SHOW QUERIES;"}']);
    expect(page.status).toBe(401);
    expect(page.headers).toMatch(/www-authenticate: Bearer realm="eddy"/i);
    expect((await curl([`${base}/metrics`])).headers).toMatch(/www-authenticate: Basic realm="eddy"/i);
    const ok = await curl(['-X', 'POST', `${base}/ksql`, '-H', 'Authorization: Bearer s3cret', '-d', '{"ksql":"SHOW QUERIES;"}']);
    expect(ok.status).toBe(200);
  });
});
