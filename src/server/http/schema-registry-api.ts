// Eddy's schema registry over HTTP, as Confluent Schema Registry's REST API speaks it: the paths,
// bodies, content type and {error_code, message} errors that Confluent's serializers and other
// registry clients (and another Eddy's --schema-registry) expect. It serves whichever registry
// the engine uses, the embedded one in the data directory by default, on the --http-port, behind
// the same token check as the rest of the HTTP API (the token as Basic auth's password).
//
// Schema references are kept and followed (a .proto's imports); `referencedby` answers []. Not served: `?deleted=true` listings, modes other than READWRITE, contexts.

import { Eddy, type Compatibility, type RegistrySchema, type SchemaReference, type SchemaRegistry, type SchemaType, type SubjectVersion } from '../../engine-api.js';
import { readBody, type Exchange } from './exchange.js';

export const SCHEMA_REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

const ROOTS = /^\/(subjects|schemas|config|compatibility|mode)(\/|$)/;
const TYPES: readonly SchemaType[] = ['AVRO', 'PROTOBUF', 'JSON'];
const LEVELS: readonly Compatibility[] = ['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FULL'];

/** Whether a path belongs to the registry's API (the route hook in http-api.ts). */
export function isSchemaRegistryPath(path: string): boolean {
  return ROOTS.test(path);
}

type Body = { readonly [k: string]: unknown };
type Reply = { readonly status?: number; readonly body: unknown } | { readonly status?: number; readonly text: string };

/** Confluent's errors: the HTTP status is the code's first three digits (409 stands alone). */
class RegistryHttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
  get status(): number {
    return this.code >= 1000 ? Math.floor(this.code / 100) : this.code;
  }
}

const subjectNotFound = (s: string) => new RegistryHttpError(40401, `Subject '${s}' not found.`);
const versionNotFound = (v: number) => new RegistryHttpError(40402, `Version ${v} not found.`);
const schemaNotFound = (what: string) => new RegistryHttpError(40403, `Schema ${what} not found`);

export async function serveSchemaRegistry(x: Exchange, eddy: Eddy, maxBodyBytes: number): Promise<void> {
  const { res } = x;
  let reply: Reply;
  try {
    reply = await route(x, eddy.schemaRegistry, maxBodyBytes);
  } catch (e) {
    const err =
      e instanceof RegistryHttpError
        ? e
        : Eddy.schemaRules.errorCode(e) !== undefined
          ? new RegistryHttpError(Eddy.schemaRules.errorCode(e)!, (e as Error).message)
          : new RegistryHttpError(50001, (e as Error).message ?? String(e));
    reply = { status: err.status, body: { error_code: err.code, message: err.message } };
  }
  res.statusCode = reply.status ?? 200;
  if ('text' in reply) {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(reply.text);
    return;
  }
  res.setHeader('Content-Type', SCHEMA_REGISTRY_CONTENT_TYPE);
  res.end(JSON.stringify(reply.body));
}

async function route(x: Exchange, registry: SchemaRegistry, maxBodyBytes: number): Promise<Reply> {
  const method = x.req.method ?? 'GET';
  const parts = x.path
    .split('/')
    .slice(1)
    .map((p) => decodeURIComponent(p));
  const [root, a, b, c, d] = parts;
  const n = parts.length;
  const body = async (): Promise<Body> => readJson(x, maxBodyBytes);
  const permanent = x.query.get('permanent') === 'true';

  if (root === 'subjects') {
    if (n === 1 && method === 'GET') return { body: registry.subjects() };
    const subject = a!;
    if (n === 2 && method === 'POST') return { body: lookup(registry, subject, schemaOf(await body(), registry)) };
    if (n === 2 && method === 'DELETE') return { body: registry.deleteSubject(subject, permanent) };
    if (b === 'versions') {
      if (n === 3 && method === 'GET') return { body: versionsOf(registry, subject) };
      if (n === 3 && method === 'POST') return { body: { id: register(registry, subject, schemaOf(await body(), registry)) } };
      if ((n === 4 || (n === 5 && d === 'schema')) && method === 'GET') {
        const v = versionAt(registry, subject, c!);
        return n === 5 ? { text: v.schema } : { body: versionJson(v) };
      }
      if (n === 4 && method === 'DELETE') {
        const v = c === 'latest' || c === '-1' ? versionAt(registry, subject, c).version : versionNumber(c!);
        return { body: registry.deleteVersion(subject, v, permanent) };
      }
      if (n === 5 && d === 'referencedby' && method === 'GET') {
        versionAt(registry, subject, c!);
        return { body: [] };
      }
    }
  } else if (root === 'schemas') {
    if (n === 2 && a === 'types' && method === 'GET') return { body: TYPES };
    if (a === 'ids' && n >= 3 && method === 'GET') {
      const id = Number(b);
      const s = Number.isInteger(id) && id > 0 ? registry.byId(id) : undefined;
      if (!s) throw schemaNotFound(`${b}`);
      if (n === 3) return { body: schemaJson(s) };
      if (n === 4 && c === 'schema') return { text: s.schema };
      if (n === 4 && c === 'versions') return { body: usesOf(registry, id) };
      if (n === 4 && c === 'subjects') return { body: [...new Set(usesOf(registry, id).map((u) => u.subject))] };
    }
  } else if (root === 'config') {
    const subject = n === 2 ? a! : undefined;
    if (n <= 2 && method === 'GET') {
      if (subject === undefined) return { body: { compatibilityLevel: registry.compatibility() } };
      const own = registry.subjectCompatibility(subject);
      if (own) return { body: { compatibilityLevel: own } };
      if (x.query.get('defaultToGlobal') === 'true') return { body: { compatibilityLevel: registry.compatibility() } };
      throw new RegistryHttpError(40408, `Subject '${subject}' does not have subject-level compatibility configured`);
    }
    if (n <= 2 && method === 'PUT') {
      const level = (await body()).compatibility;
      if (typeof level !== 'string' || !LEVELS.includes(level.toUpperCase() as Compatibility)) {
        throw new RegistryHttpError(42203, `Invalid compatibility level: ${String(level)}. Valid values are ${LEVELS.join(', ')}`);
      }
      registry.setCompatibility(level.toUpperCase() as Compatibility, subject);
      return { body: { compatibility: level.toUpperCase() } };
    }
  } else if (root === 'compatibility') {
    // /compatibility/subjects/{s}/versions/{v}: against that version; without {v}: as registering would check.
    if (a === 'subjects' && c === 'versions' && (n === 4 || n === 5) && method === 'POST') {
      const schema = schemaOf(await body(), registry);
      if (n === 4) return { body: { is_compatible: registry.versions(b!).length === 0 || registry.isCompatible(b!, schema) } };
      const against = versionAt(registry, b!, d!);
      return { body: { is_compatible: Eddy.schemaRules.compatible(registry.compatibility(b!), schema, [against]) } };
    }
  } else if (root === 'mode') {
    if (n <= 2 && method === 'GET') return { body: { mode: 'READWRITE' } };
  }
  throw new RegistryHttpError(40400, `no endpoint ${method} ${x.path}`);
}

async function readJson(x: Exchange, max: number): Promise<Body> {
  let text: string;
  try {
    text = await readBody(x.req, max);
  } catch (e) {
    throw new RegistryHttpError(41300, (e as Error).message);
  }
  let parsed: unknown;
  try {
    parsed = text.trim() ? JSON.parse(text) : {};
  } catch (e) {
    throw new RegistryHttpError(50005, `Unrecognized JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new RegistryHttpError(42201, 'the request body must be a JSON object');
  return parsed as Body;
}

/** The schema a POST carries: {schema, schemaType?, references?}; AVRO when the type is left out, as Confluent's. */
function schemaOf(body: Body, registry: SchemaRegistry): RegistrySchema {
  const { schema, schemaType, references } = body;
  if (typeof schema !== 'string') throw new RegistryHttpError(42201, 'Empty schema');
  const type = schemaType === undefined || schemaType === null ? 'AVRO' : String(schemaType).toUpperCase();
  if (!TYPES.includes(type as SchemaType)) throw new RegistryHttpError(42201, `Invalid schema type ${String(schemaType)}`);
  const refs = referencesOf(references);
  const s = { schemaType: type as SchemaType, schema, ...(refs.length ? { references: refs } : {}) };
  // Each reference must name a registered version (42201 from referencedSchemas otherwise); a .proto parses with the files they name.
  const problem = Eddy.schemaRules.problem(s, registry);
  if (problem) throw new RegistryHttpError(42201, `Invalid schema ${schema}: ${problem}`);
  return s;
}

/** `references`: [{name, subject, version}], as Confluent's clients send them (a .proto file's imports). */
function referencesOf(v: unknown): SchemaReference[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new RegistryHttpError(42201, 'references must be a list of {name, subject, version}');
  return v.map((r: unknown) => {
    const o = (r ?? {}) as Body;
    const version = Number(o.version);
    if (typeof o.name !== 'string' || typeof o.subject !== 'string' || !Number.isInteger(version))
      throw new RegistryHttpError(42201, `Invalid reference ${JSON.stringify(r)}: it needs name, subject and version`);
    return { name: o.name, subject: o.subject, version };
  });
}

function register(registry: SchemaRegistry, subject: string, schema: RegistrySchema): number {
  try {
    return registry.register(subject, schema);
  } catch (e) {
    if (Eddy.schemaRules.errorCode(e) === 409) throw new RegistryHttpError(409, (e as Error).message);
    throw e;
  }
}

function lookup(registry: SchemaRegistry, subject: string, schema: RegistrySchema): { [k: string]: unknown } {
  const versions = registry.versions(subject);
  if (versions.length === 0) throw subjectNotFound(subject);
  const text = Eddy.schemaRules.canonical(schema);
  for (const v of versions) {
    const sv = registry.version(subject, v);
    if (sv && sv.schemaType === schema.schemaType && Eddy.schemaRules.canonical(sv) === text) return versionJson(sv);
  }
  throw schemaNotFound('');
}

function versionsOf(registry: SchemaRegistry, subject: string): number[] {
  const versions = registry.versions(subject);
  if (versions.length === 0) throw subjectNotFound(subject);
  return versions;
}

function versionNumber(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 2 ** 31 - 1) {
    throw new RegistryHttpError(42202, `The specified version '${text}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
  }
  return n;
}

/** `latest`, -1 (Confluent's alias of latest) or a version number. */
function versionAt(registry: SchemaRegistry, subject: string, text: string): SubjectVersion {
  const latest = text === 'latest' || text === '-1';
  const n = latest ? 0 : versionNumber(text);
  const versions = versionsOf(registry, subject);
  const found = latest ? registry.version(subject, versions.at(-1)!) : registry.version(subject, n);
  if (!found) throw versionNotFound(n);
  return found;
}

/** Confluent leaves schemaType out for AVRO. */
function schemaJson(s: RegistrySchema): { [k: string]: unknown } {
  const refs = s.references?.length ? { references: s.references } : {};
  return s.schemaType === 'AVRO' ? { schema: s.schema, ...refs } : { schemaType: s.schemaType, schema: s.schema, ...refs };
}

function versionJson(v: SubjectVersion): { [k: string]: unknown } {
  return { subject: v.subject, version: v.version, id: v.id, ...schemaJson(v) };
}

function usesOf(registry: SchemaRegistry, id: number): { subject: string; version: number }[] {
  const out: { subject: string; version: number }[] = [];
  for (const subject of registry.subjects()) for (const version of registry.versions(subject)) if (registry.version(subject, version)?.id === id) out.push({ subject, version });
  return out;
}
