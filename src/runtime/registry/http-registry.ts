// An external Confluent-compatible schema registry (`--schema-registry URL`: Confluent's,
// Karapace, Apicurio's Confluent API, or another Eddy's --http-port) in place of the embedded
// one. The serdes call the registry synchronously inside the micro-batch, so requests go through
// SyncHttp (a worker does the fetch, this thread waits with a deadline).
//
// Ids are immutable in every such registry, so a schema found by id is cached for good: a topic's
// records cost one request per schema id, not per record. A registration's id is cached per
// subject and schema text too (registering the same schema again is a no-op there). Subjects,
// versions and levels change under other writers and are asked for each time.

import { canonicalSchema } from './compatibility.js';
import { RegistryUnavailableError, SchemaRegistryError, type Compatibility, type RegistrySchema, type SchemaRegistry, type SchemaType, type SubjectVersion } from './schema-registry.js';
import { SyncHttp, SyncHttpError } from './sync-http.js';

export interface HttpRegistryOptions {
  /** The registry's base URL; user and password in it (http://user:pass@host:port) go as Basic auth. */
  readonly url: string;
  /** Longest wait for one answer, in milliseconds (default 10 000). */
  readonly timeoutMs?: number;
}

export const DEFAULT_REGISTRY_TIMEOUT_MS = 10_000;
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

interface Answer {
  readonly status: number;
  readonly json: unknown;
}

type Obj = { readonly [k: string]: unknown };

export class HttpSchemaRegistry implements SchemaRegistry {
  private readonly http: SyncHttp;
  /** The URL without user and password: requests go there, and errors name it. */
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly byIdCache = new Map<number, RegistrySchema>();
  private readonly registered = new Map<string, number>();

  constructor(opts: HttpRegistryOptions) {
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new Error(`--schema-registry: '${opts.url}' is not a URL (expected e.g. http://127.0.0.1:8081)`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--schema-registry: '${opts.url}' is not an http:// or https:// URL`);
    this.headers = { Accept: CONTENT_TYPE, 'Content-Type': CONTENT_TYPE };
    if (u.username || u.password) {
      this.headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
      u.username = '';
      u.password = '';
    }
    this.base = `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
    this.http = new SyncHttp(opts.timeoutMs ?? DEFAULT_REGISTRY_TIMEOUT_MS);
  }

  register(subject: string, schema: RegistrySchema, opts: { readonly id?: number } = {}): number {
    const key = `${subject}\u0000${schema.schemaType}\u0000${canonicalSchema(schema)}`;
    const known = this.registered.get(key);
    if (known !== undefined) return known;
    const body = { ...schemaBody(schema), ...(opts.id !== undefined ? { id: opts.id } : {}) };
    const a = this.call('POST', `/subjects/${enc(subject)}/versions`, body);
    if (a.status !== 200) this.fail(a, `registering a schema under subject '${subject}'`);
    const id = Number((a.json as Obj).id);
    this.registered.set(key, id);
    if (!this.byIdCache.has(id)) this.byIdCache.set(id, schema);
    return id;
  }

  latest(subject: string): SubjectVersion | undefined {
    return this.subjectVersion(subject, 'latest');
  }

  version(subject: string, version: number): SubjectVersion | undefined {
    return this.subjectVersion(subject, String(version));
  }

  byId(id: number): RegistrySchema | undefined {
    const hit = this.byIdCache.get(id);
    if (hit) return hit;
    const a = this.call('GET', `/schemas/ids/${id}`);
    // A miss is not cached: the id may be given to a schema later.
    if (a.status === 404) return undefined;
    if (a.status !== 200) this.fail(a, `reading schema ${id}`);
    const s = schemaFrom(a.json as Obj);
    this.byIdCache.set(id, s);
    return s;
  }

  subjects(): string[] {
    const a = this.call('GET', '/subjects');
    if (a.status !== 200) this.fail(a, 'listing subjects');
    return (a.json as unknown[]).map(String);
  }

  versions(subject: string): number[] {
    const a = this.call('GET', `/subjects/${enc(subject)}/versions`);
    if (a.status === 404) return [];
    if (a.status !== 200) this.fail(a, `listing the versions of subject '${subject}'`);
    return (a.json as unknown[]).map(Number);
  }

  compatibility(subject?: string): Compatibility {
    const a = this.call('GET', subject !== undefined ? `/config/${enc(subject)}?defaultToGlobal=true` : '/config');
    if (a.status !== 200) this.fail(a, 'reading the compatibility level');
    return String((a.json as Obj).compatibilityLevel).toUpperCase() as Compatibility;
  }

  subjectCompatibility(subject: string): Compatibility | undefined {
    const a = this.call('GET', `/config/${enc(subject)}`);
    if (a.status === 404) return undefined;
    if (a.status !== 200) this.fail(a, `reading the compatibility level of subject '${subject}'`);
    return String((a.json as Obj).compatibilityLevel).toUpperCase() as Compatibility;
  }

  setCompatibility(level: Compatibility, subject?: string): void {
    const a = this.call('PUT', subject !== undefined ? `/config/${enc(subject)}` : '/config', { compatibility: level });
    if (a.status !== 200) this.fail(a, 'setting the compatibility level');
  }

  isCompatible(subject: string, schema: RegistrySchema): boolean {
    const body = schemaBody(schema);
    const a = this.call('POST', `/compatibility/subjects/${enc(subject)}/versions/latest`, body);
    // No version yet: anything may come first.
    if (a.status === 404) return true;
    if (a.status !== 200) this.fail(a, `checking a schema against subject '${subject}'`);
    return (a.json as Obj).is_compatible === true;
  }

  deleteSubject(subject: string, permanent: boolean): number[] {
    const a = this.call('DELETE', `/subjects/${enc(subject)}${permanent ? '?permanent=true' : ''}`);
    if (a.status !== 200) this.fail(a, `deleting subject '${subject}'`);
    this.forget(subject);
    return (a.json as unknown[]).map(Number);
  }

  deleteVersion(subject: string, version: number, permanent: boolean): number {
    const a = this.call('DELETE', `/subjects/${enc(subject)}/versions/${version}${permanent ? '?permanent=true' : ''}`);
    if (a.status !== 200) this.fail(a, `deleting version ${version} of subject '${subject}'`);
    this.forget(subject);
    return Number(a.json);
  }

  close(): void {
    this.http.close();
  }

  /** A deleted version's registration must go to the registry again (it makes a new version there). */
  private forget(subject: string): void {
    for (const k of this.registered.keys()) if (k.startsWith(`${subject}\u0000`)) this.registered.delete(k);
  }

  private subjectVersion(subject: string, version: string): SubjectVersion | undefined {
    const a = this.call('GET', `/subjects/${enc(subject)}/versions/${version}`);
    if (a.status === 404) return undefined;
    if (a.status !== 200) this.fail(a, `reading version ${version} of subject '${subject}'`);
    const o = a.json as Obj;
    const s = schemaFrom(o);
    const id = Number(o.id);
    if (!this.byIdCache.has(id)) this.byIdCache.set(id, s);
    return { subject: String(o.subject ?? subject), version: Number(o.version), id, ...s };
  }

  private call(method: string, path: string, body?: unknown): Answer {
    let r;
    try {
      r = this.http.request(method, this.base + path, this.headers, body === undefined ? undefined : JSON.stringify(body));
    } catch (e) {
      if (e instanceof SyncHttpError) throw new RegistryUnavailableError(`Schema registry at ${this.base}: ${e.message} (${method} ${path.replace(/\?.*$/, '')})`);
      throw e;
    }
    let json: unknown;
    try {
      json = r.body ? JSON.parse(r.body) : undefined;
    } catch {
      json = undefined;
    }
    if (r.status !== 200 && (typeof json !== 'object' || json === null)) json = { message: r.body.slice(0, 200) };
    return { status: r.status, json };
  }

  /** A registry's refusal keeps its Confluent error code (409 incompatible, 42201 invalid, …). */
  private fail(a: Answer, doing: string): never {
    const o = (a.json ?? {}) as Obj;
    const code = typeof o.error_code === 'number' ? o.error_code : a.status;
    const message = typeof o.message === 'string' && o.message ? o.message : `HTTP ${a.status}`;
    if (a.status >= 500) throw new RegistryUnavailableError(`Schema registry at ${this.base}, ${doing}: ${message} (HTTP ${a.status})`);
    if (a.status === 401 || a.status === 403)
      throw new SchemaRegistryError(`Schema registry at ${this.base} refused ${doing}: ${message} (give the credentials in the URL: http://user:password@host:port)`, code);
    throw new SchemaRegistryError(a.status === 409 || a.status === 422 ? message : `Schema registry at ${this.base}, ${doing}: ${message}; error code: ${code}`, code);
  }
}

function enc(subject: string): string {
  return encodeURIComponent(subject);
}

/** A POST's {schema, schemaType?, references?}, as Confluent's clients send it. */
function schemaBody(s: RegistrySchema): Obj {
  return { schema: s.schema, ...(s.schemaType !== 'AVRO' ? { schemaType: s.schemaType } : {}), ...(s.references?.length ? { references: s.references } : {}) };
}

function schemaFrom(o: Obj): RegistrySchema {
  const type = o.schemaType === undefined || o.schemaType === null ? 'AVRO' : String(o.schemaType).toUpperCase();
  const refs = Array.isArray(o.references) ? (o.references as Obj[]).map((r) => ({ name: String(r.name), subject: String(r.subject), version: Number(r.version) })) : [];
  return { schemaType: type as SchemaType, schema: String(o.schema), ...(refs.length ? { references: refs } : {}) };
}
