// URLs read as java.net.URI reads them, which is what ksqlDB's URL_EXTRACT_* functions use: the
// RFC 2396 components, a relative reference has no scheme or host (its text is its path), scheme
// and host keep their case, the path/query/fragment come back percent-decoded, a port is only
// what the text says (no scheme defaults), and text with characters a URI cannot hold (a space,
// a quote, `<`, a bad %-escape, …) is an error: 'URL input has invalid syntax: …'.

export interface JavaUri {
  readonly scheme: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly path: string | null;
  readonly query: string | null;
  readonly fragment: string | null;
}

const ILLEGAL = /[\u0000-\u0020"<>\\^`{|}\u007f]|%(?![0-9a-fA-F]{2})/;
const PARTS = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

/** Percent-decoding as URI's getters do it (UTF-8; a malformed sequence reads as U+FFFD). */
function decode(s: string | undefined): string | null {
  if (s === undefined) return null;
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  let out = '';
  const flush = () => {
    if (bytes.length) out += Buffer.from(bytes).toString('utf8');
    bytes.length = 0;
  };
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && i + 2 < s.length + 0 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      flush();
      out += s[i];
    }
  }
  flush();
  return out;
}

export function parseJavaUri(text: string): JavaUri {
  const m = ILLEGAL.test(text) ? null : PARTS.exec(text);
  if (!m || (m[2] === undefined && m[1] !== undefined && m[3] === '' && m[4] === undefined)) throw new Error(`URL input has invalid syntax: ${text}`);
  const [, scheme, authority, path, query, fragment] = m;
  // An opaque URI (mailto:x): a scheme whose rest does not start with '/' has no path, query or host.
  if (scheme !== undefined && authority === undefined && !path!.startsWith('/')) {
    return { scheme, host: null, port: null, path: null, query: null, fragment: decode(fragment) };
  }
  let host: string | null = null;
  let port: number | null = null;
  if (authority !== undefined) {
    const server = /^(?:[^@]*@)?(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
    if (server && server[1] !== '') {
      host = server[1]!;
      port = server[2] ? Number(server[2]) : null;
    }
  }
  return { scheme: scheme ?? null, host, port, path: decode(path), query: decode(query), fragment: decode(fragment) };
}

/** One query parameter as ksqlDB finds it: the decoded query split on & then on the first =; a bare name is ''. */
export function queryParameter(query: string | null, name: string): string | null {
  if (query === null) return null;
  for (const param of query.split('&')) {
    const eq = param.indexOf('=');
    if (eq < 0 && param === name) return '';
    if (eq >= 0 && param.slice(0, eq) === name) return param.slice(eq + 1);
  }
  return null;
}

/** Guava's form-parameter escaper: letters, digits and -_.* stay, space is +, the rest %XX of UTF-8 (upper-case hex). */
export function formParameterEscape(text: string): string {
  let out = '';
  for (const ch of text) {
    if (/[A-Za-z0-9\-_.*]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** java.net.URLDecoder: + is a space, %XX bytes are UTF-8; a malformed escape is an error. */
export function formParameterDecode(text: string): string {
  if (/%(?![0-9a-fA-F]{2})/.test(text)) throw new Error(`URLDecoder: Illegal hex characters in escape (%) pattern - ${text}`);
  return decode(text.replace(/\+/g, ' '))!;
}
