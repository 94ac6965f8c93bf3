// A value the worker fetches from the broker and keeps: asked for, it answers at once from what it
// has and refreshes in the background, so a broker that has gone away never holds up the engine
// (it keeps the last answer). Only a first ask, or one after `invalidate`, waits for the broker.

export class Refreshed<T> {
  private value: { at: number; v: T } | undefined;
  private inFlight: Promise<T> | undefined;

  constructor(
    private readonly fetch: () => Promise<T>,
    private readonly maxAgeMs: number,
  ) {}

  async get(): Promise<T> {
    const have = this.value;
    if (!have) return this.refresh();
    if (Date.now() - have.at > this.maxAgeMs) this.refresh().catch(() => {}); // the old answer stands until this lands
    return have.v;
  }

  /** Wait for a fresh answer. */
  refresh(): Promise<T> {
    this.inFlight ??= this.fetch().then(
      (v) => {
        this.value = { at: Date.now(), v };
        this.inFlight = undefined;
        return v;
      },
      (e: unknown) => {
        this.inFlight = undefined;
        throw e;
      },
    );
    return this.inFlight;
  }

  invalidate(): void {
    this.value = undefined;
  }
}
