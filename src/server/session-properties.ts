// Each client's SET/UNSET properties, as ksqlDB's "local" properties: they apply to that client's
// statements only, over the server's own settings (UNSET falls back to those). The engine keeps
// one property map, so a client's statements run with its overrides applied and the map is put
// back afterwards; that is safe because a statement executes synchronously, with no other
// client's work in between.

export class SessionProperties {
  private readonly overrides = new Map<string, string>();

  /** Runs `fn` with this session's properties in `engine`; keeps what `fn` SET or UNSET. */
  run<T>(engine: Map<string, string>, fn: () => T): T {
    const server = new Map(engine);
    for (const [k, v] of this.overrides) engine.set(k, v);
    const before = new Map(engine);
    try {
      return fn();
    } finally {
      for (const k of new Set([...before.keys(), ...engine.keys()])) {
        const v = engine.get(k);
        if (v === before.get(k)) continue;
        if (v === undefined) this.overrides.delete(k);
        else this.overrides.set(k, v);
      }
      engine.clear();
      for (const [k, v] of server) engine.set(k, v);
    }
  }
}
