// What statements may reach outside the engine: files (COPY FROM, RUN SCRIPT, the file source)
// and outgoing connections (the socket source). A local engine (shell, library, `eddy -f`) may
// reach anything its user can; an engine that serves network clients is confined to what its
// operator allowed, because a client must not read the server's files or use it to connect out.

import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface AccessPolicy {
  /** Directory that file paths are confined to (relative paths resolve against it); none: no file access. */
  readonly fileRoot?: string;
  /** `host:port` entries that outgoing connections may reach (`host:*` for any port); none: no connections. */
  readonly connect?: readonly string[];
  /**
   * SQL-defined functions (CREATE FUNCTION) from network clients: none, refused; set, allowed and
   * run in the worker sandbox with these limits (sandbox/function-sandbox.ts).
   */
  readonly functions?: { readonly timeMs: number; readonly memoryMb: number };
}

export class ExternalAccess {
  private readonly root: string | undefined;
  private readonly hosts: ReadonlySet<string> | undefined;

  /** Limits for SQL-defined functions when confined and allowed; see AccessPolicy.functions. */
  readonly functions: AccessPolicy['functions'];

  private constructor(
    readonly confined: boolean,
    policy: AccessPolicy,
  ) {
    this.functions = policy.functions;
    this.root = policy.fileRoot === undefined ? undefined : realpathSync(policy.fileRoot);
    this.hosts = policy.connect === undefined ? undefined : new Set(policy.connect.map((h) => h.toLowerCase()));
  }

  static readonly unrestricted = new ExternalAccess(false, {});

  /** Throws when the directory does not exist: an allowance must name something real. */
  static confinedTo(policy: AccessPolicy): ExternalAccess {
    return new ExternalAccess(true, policy);
  }

  /**
   * The real path a statement may open for `what` (e.g. "COPY"), or an Error saying why not.
   * Confined: no `..` segment, and after resolving symlinks the path must lie inside the root —
   * a path that does not exist yet is judged by its nearest existing ancestor.
   */
  file(path: string, what: string): string {
    if (!this.confined) return path;
    if (this.root === undefined) throw new Error(`${what} cannot read or write files over the server: it was started without --allow-files <dir>.`);
    if (path.split(/[\\/]/).includes('..')) throw new Error(`${what}: '${path}' is refused: paths from network clients may not contain '..'.`);
    const wanted = isAbsolute(path) ? path : join(this.root, path);
    const real = realOrNearest(wanted);
    const rel = relative(this.root, real);
    if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))) return real;
    throw new Error(`${what}: '${path}' is outside the directory the server allows (--allow-files ${this.root}).`);
  }

  /** Throws unless a connection to host:port is allowed for `what`. */
  connect(host: string, port: number, what: string): void {
    if (!this.confined) return;
    const h = host.toLowerCase();
    if (this.hosts?.has(`${h}:${port}`) || this.hosts?.has(`${h}:*`)) return;
    const hint = this.hosts === undefined ? 'it was started without --allow-connect <host:port,…>' : `allowed: ${[...this.hosts].join(', ')}`;
    throw new Error(`${what}: connecting to ${host}:${port} is refused over the server (${hint}).`);
  }
}

function realOrNearest(path: string): string {
  let dir = resolve(path);
  const rest: string[] = [];
  while (!existsSync(dir)) {
    const up = dirname(dir);
    if (up === dir) break;
    rest.unshift(dir.slice(up.length).replace(/^[\\/]/, ''));
    dir = up;
  }
  return join(realpathSync(dir), ...rest);
}
