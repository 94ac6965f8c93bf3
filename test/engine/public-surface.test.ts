// The surfaces around the engine — shell, server, cli, conformance runner, benchmarks — use it
// only through its public surface (src/engine-api.ts): no file of theirs imports a file under
// src/runtime, nor reads the engine's internal `state`. The exceptions are two micro-benchmarks
// that measure one layer without the engine around it (operators; one compiled expression), and
// the start-up benchmark, which writes a 22k-command log straight into its table.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SURFACES = ['src/shell', 'src/server', 'src/cli', 'src/conformance', 'src/bench', 'bench'];
/**
 * Measure one piece alone (see their headers), so they build or read it themselves: Eddy's
 * operators, one expression (udf-bench), one table function call (udtf-bench), one record codec
 * per format (format-decode-bench).
 */
const MICRO_BENCHES = new Set(['src/bench/nexmark-runner.ts', 'bench/udf-bench.ts', 'bench/udtf-bench.ts', 'bench/function-bench-run.ts', 'bench/format-decode-bench.ts']);
const STARTUP_BENCH = 'bench/replay-startup.ts';

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return files(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** The module paths a file imports or re-exports from. */
function imports(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
}

describe('surfaces use only the public surface', () => {
  const all = SURFACES.flatMap(files);

  it('finds the surface files', () => {
    expect(all.length).toBeGreaterThan(40);
    expect(all).toContain('src/server/server.ts');
  });

  it('no surface file imports a file under src/runtime', () => {
    const offenders = all
      .filter((f) => !MICRO_BENCHES.has(f))
      .flatMap((f) =>
        imports(readFileSync(join(ROOT, f), 'utf8'))
          .filter((m) => /(^|\/)runtime\//.test(m))
          .map((m) => `${f}: ${m}`),
      );
    expect(offenders).toEqual([]);
  });

  it("no surface file reads the engine's internal state", () => {
    const offenders = all.filter((f) => !MICRO_BENCHES.has(f) && f !== STARTUP_BENCH).filter((f) => /\b(?:eddy|e|engine|probe)\.state\b/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the engine API publishes the facade and model types only, no internals', () => {
    const api = readFileSync(join(ROOT, 'src/engine-api.ts'), 'utf8');
    // Values it exports (type-only exports are the model's and the facade's types).
    const values = [...api.matchAll(/^export \{([^}]*)\}/gm)].flatMap((m) =>
      m[1]!
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x && !x.startsWith('type ')),
    );
    // The facade and its push-query handle; Eddy.open's default registry timeout (the cli's help
    // shows it); the Nexmark generator, the benchmarks' data. Record formats, the registry's rules
    // and COPY's line rules are the facade's own narrow functions (Eddy.formats, Eddy.schemaRules,
    // eddy.copyLoader), not re-exported internals.
    expect(values.sort()).toEqual(['DEFAULT_CONFIG', 'DEFAULT_REGISTRY_TIMEOUT_MS', 'Eddy', 'NexmarkGenerator', 'PushQuery']);
    expect(api).not.toMatch(/export \*/);
  });
});
