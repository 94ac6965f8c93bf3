// Hand-written TypeScript loops that compute each Nexmark query's answer without SQL, SQLite or
// the engine: the practical limit in Node, and the reference the correctness checks compare to.
// Each has the same streaming semantics as the SQL version (an output per change, not per window).

import type { Auction, Bid, NexmarkEvent, Person } from '../engine-api.js';

export type Row = readonly unknown[];

export interface Baseline {
  push(e: NexmarkEvent): void;
  /** Outputs so far (when collecting) — the benchmark discards them. */
  readonly out: Row[];
}

function sink(collect: boolean): { out: Row[]; emit: (r: Row) => void; count: () => number } {
  const out: Row[] = [];
  let n = 0;
  return { out, emit: collect ? (r) => out.push(r) : () => void n++, count: () => n + out.length };
}

export function q0(collect = false): Baseline {
  const s = sink(collect);
  return {
    out: s.out,
    push(e) {
      if (e.kind === 'bid') s.emit([e.bid.auction, e.bid.bidder, e.bid.price, e.bid.channel, e.bid.url, e.bid.dateTime, e.bid.extra]);
    },
  };
}

export function q1(collect = false): Baseline {
  const s = sink(collect);
  return {
    out: s.out,
    push(e) {
      if (e.kind === 'bid') s.emit([e.bid.auction, e.bid.bidder, 0.908 * e.bid.price, e.bid.dateTime]);
    },
  };
}

export function q2(collect = false): Baseline {
  const s = sink(collect);
  return {
    out: s.out,
    push(e) {
      if (e.kind === 'bid' && e.bid.auction % 123 === 0) s.emit([e.bid.auction, e.bid.price]);
    },
  };
}

/** Auctions in category 10 joined with their seller, for sellers in OR, ID or CA. */
export function q3(collect = false): Baseline {
  const s = sink(collect);
  const persons = new Map<number, Person>();
  return {
    out: s.out,
    push(e) {
      if (e.kind === 'person') persons.set(e.person.id, e.person);
      else if (e.kind === 'auction' && e.auction.category === 10) {
        const p = persons.get(e.auction.seller);
        if (p && (p.state === 'OR' || p.state === 'ID' || p.state === 'CA')) s.emit([p.id, e.auction.id, p.name, p.city, p.state]);
      }
    },
  };
}

/** Hot items: bids per auction in 10 s windows advancing by 2 s, and the max count per window. */
export function q5(collect = false): Baseline {
  const s = sink(collect);
  // Counts per window start, then per auction; a window is dropped once it has closed, as Eddy does.
  const windows = new Map<number, Map<number, number>>();
  const maxPerWindow = new Map<number, number>();
  return {
    out: s.out,
    push(e) {
      if (e.kind !== 'bid') return;
      const ts = e.bid.dateTime;
      for (let start = Math.floor(Math.max(0, ts - 10_000 + 2_000) / 2_000) * 2_000; start <= ts; start += 2_000) {
        let counts = windows.get(start);
        if (!counts) {
          windows.set(start, (counts = new Map()));
          for (const open of windows.keys()) if (open + 10_000 <= ts) windows.delete(open);
        }
        const n = (counts.get(e.bid.auction) ?? 0) + 1;
        counts.set(e.bid.auction, n);
        const m = maxPerWindow.get(start) ?? 0;
        if (n > m) {
          maxPerWindow.set(start, n);
          s.emit([start, n]);
        }
      }
    },
  };
}

/** Highest bid: the max price per 10 s window, joined back to the bids that carry it. */
export function q7(collect = false): Baseline {
  const s = sink(collect);
  const maxPrice = new Map<number, number>();
  return {
    out: s.out,
    push(e) {
      if (e.kind !== 'bid') return;
      const w = Math.floor(e.bid.dateTime / 10_000) * 10_000;
      const m = maxPrice.get(w);
      if (m === undefined || e.bid.price > m) maxPrice.set(w, e.bid.price);
      if (e.bid.price === maxPrice.get(w)) s.emit([w, e.bid.auction, e.bid.price, e.bid.bidder]);
    },
  };
}

/** New users: people who opened an auction within 10 s of registering (windowed stream–stream join). */
export function q8(collect = false): Baseline {
  const s = sink(collect);
  const within = 10_000;
  // Each side's records by join key, and in arrival order so those older than the window are evicted.
  const side = <T extends { dateTime: number }>() => ({ byKey: new Map<number, T[]>(), order: [] as { key: number; at: number }[], head: 0 });
  const persons = side<Person>();
  const auctions = side<Auction>();
  const add = <T extends { dateTime: number }>(x: ReturnType<typeof side<T>>, key: number, v: T) => {
    const list = x.byKey.get(key);
    if (list) list.push(v);
    else x.byKey.set(key, [v]);
    x.order.push({ key, at: v.dateTime });
  };
  const evict = <T extends { dateTime: number }>(x: ReturnType<typeof side<T>>, now: number) => {
    while (x.head < x.order.length && x.order[x.head]!.at < now - within) {
      const { key } = x.order[x.head++]!;
      const list = x.byKey.get(key)!;
      list.shift();
      if (!list.length) x.byKey.delete(key);
    }
    if (x.head > 4096 && x.head * 2 > x.order.length) {
      x.order = x.order.slice(x.head);
      x.head = 0;
    }
  };
  return {
    out: s.out,
    push(e) {
      if (e.kind === 'person') {
        const p = e.person;
        evict(auctions, p.dateTime);
        for (const a of auctions.byKey.get(p.id) ?? []) if (Math.abs(a.dateTime - p.dateTime) <= within) s.emit([p.id, p.name, a.reserve]);
        add(persons, p.id, p);
      } else if (e.kind === 'auction') {
        const a = e.auction;
        evict(persons, a.dateTime);
        for (const p of persons.byKey.get(a.seller) ?? []) if (Math.abs(a.dateTime - p.dateTime) <= within) s.emit([p.id, p.name, a.reserve]);
        add(auctions, a.seller, a);
      }
    },
  };
}

export const BASELINES: Record<string, (collect?: boolean) => Baseline> = { q0, q1, q2, q3, q5, q7, q8 };

export type { Bid };
