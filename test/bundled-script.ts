// Test child processes run as one bundled file under plain node. A process start under tsx
// transpiles the whole source tree first (about 1.3 s more per start than the bundle, measured on
// the 2-core machine), and the kill tests start dozens of processes.
//
// The bundle lives two directories below the repository root, as src/cli/main.ts does, so the
// sources' `new URL('../../package.json', import.meta.url)` and `../../examples` still resolve.
// Packages stay external, resolved from node_modules, except chevrotain: it loads lodash-es as
// some 300 separate ES modules, and bundling them saves ~0.7 s of CPU per start (measured:
// `eddy --version` 2.2 s → 1.5 s of user time). Not for processes that use Kafka: the Kafka
// bridge starts its worker from a file beside its own module, and the kafkajs patch must run
// before kafkajs loads, which a bundle's hoisted imports would not keep (those run under tsx).

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const outDir = join(ROOT, '.test-bundles', String(process.pid));
const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const external = Object.keys(dependencies).filter((d) => d !== 'chevrotain');
const built = new Map<string, Promise<string>>();
process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));

/** The path of `entry` (a .ts file) bundled to ESM JavaScript, built once per test process. */
export function bundledScript(entry: string): Promise<string> {
  let out = built.get(entry);
  if (!out) {
    out = (async () => {
      mkdirSync(outDir, { recursive: true });
      const file = join(outDir, `${basename(entry, '.ts')}-${built.size}.mjs`);
      const esbuild = await import('esbuild');
      await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', external, outfile: file, logLevel: 'warning' });
      return file;
    })();
    built.set(entry, out);
  }
  return out;
}

/** The eddy CLI from source, bundled (see above: not for `--kafka`). */
export const cliScript = (): Promise<string> => bundledScript(join(ROOT, 'src', 'cli', 'main.ts'));

/** Node arguments that run `script` (a .ts file): bundled unless `tsx` is asked for. */
export async function nodeArgsFor(script: string, tsx = false): Promise<string[]> {
  return tsx ? ['--import', 'tsx', script] : [await bundledScript(script)];
}
