// The Nexmark event generator: an auction site's Person, Auction and Bid events in the published
// proportions (1 : 3 : 46 per 50 events), with "hot" auctions, bidders and sellers, as in the
// reference generator used by Beam, Flink, RisingWave and Arroyo. Deterministic for a seed, and
// random-access: event n can be generated on its own, so a source built on it replays any offset.

export interface Person {
  readonly id: number;
  readonly name: string;
  readonly emailAddress: string;
  readonly creditCard: string;
  readonly city: string;
  readonly state: string;
  readonly dateTime: number;
  readonly extra: string;
}

export interface Auction {
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  readonly dateTime: number;
  readonly expires: number;
  readonly seller: number;
  readonly category: number;
  readonly extra: string;
}

export interface Bid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly url: string;
  readonly dateTime: number;
  readonly extra: string;
}

export type NexmarkEvent = { readonly kind: 'person'; readonly person: Person } | { readonly kind: 'auction'; readonly auction: Auction } | { readonly kind: 'bid'; readonly bid: Bid };

const PERSON_PROPORTION = 1;
const AUCTION_PROPORTION = 3;
const TOTAL_PROPORTION = 50;
const FIRST_PERSON_ID = 1000;
const FIRST_AUCTION_ID = 1000;
const FIRST_CATEGORY_ID = 10;
const NUM_CATEGORIES = 5;
const HOT_AUCTION_RATIO = 2;
const HOT_BIDDER_RATIO = 4;
const HOT_SELLER_RATIO = 4;
const NUM_ACTIVE_PEOPLE = 1000;
const NUM_IN_FLIGHT_AUCTIONS = 100;
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];

export interface GeneratorConfig {
  /** Events per second of event time (sets the spacing of timestamps). */
  readonly eventsPerSecond: number;
  readonly baseTime: number;
  readonly seed: number;
}

/** 10,000 events per second of event time: the reference generator's default first_event_rate. */
export const DEFAULT_CONFIG: GeneratorConfig = { eventsPerSecond: 10_000, baseTime: 1_700_000_000_000, seed: 1 };

/** The kind of event `id` is, from its place in the 50-event cycle (no need to generate it). */
export function eventKind(id: number): NexmarkEvent['kind'] {
  const offset = id % TOTAL_PROPORTION;
  return offset < PERSON_PROPORTION ? 'person' : offset < PERSON_PROPORTION + AUCTION_PROPORTION ? 'auction' : 'bid';
}

export class NexmarkGenerator {
  private n = 0;
  private state = 0;
  private readonly delayUs: number;

  constructor(private readonly config: GeneratorConfig = DEFAULT_CONFIG) {
    this.delayUs = 1_000_000 / config.eventsPerSecond;
  }

  /**
   * mulberry32 over a state seeded from the event's id: each event is a function of (seed, id)
   * alone, so any offset can be generated again without generating the ones before it (replay).
   */
  private rand(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  get count(): number {
    return this.n;
  }

  /** Event time of event `id`. */
  timeOf(id: number): number {
    return this.config.baseTime + Math.floor((id * this.delayUs) / 1000);
  }

  next(): NexmarkEvent {
    return this.at(this.n++);
  }

  /** Event number `id` of the sequence. */
  at(id: number): NexmarkEvent {
    this.state = (Math.imul(id, 0x9e3779b1) ^ Math.imul(this.config.seed, 0x85ebca77)) >>> 0;
    const ts = this.timeOf(id);
    const epoch = Math.floor(id / TOTAL_PROPORTION);
    const offset = id % TOTAL_PROPORTION;
    if (offset < PERSON_PROPORTION) return { kind: 'person', person: this.person(epoch * PERSON_PROPORTION + offset, ts) };
    if (offset < PERSON_PROPORTION + AUCTION_PROPORTION) return { kind: 'auction', auction: this.auction(epoch, offset - PERSON_PROPORTION, ts) };
    return { kind: 'bid', bid: this.bid(epoch, ts) };
  }

  private person(seq: number, ts: number): Person {
    const id = FIRST_PERSON_ID + seq;
    return {
      id,
      name: `${FIRST_NAMES[this.int(FIRST_NAMES.length)]} ${LAST_NAMES[this.int(LAST_NAMES.length)]}`,
      emailAddress: `user${id}@example.com`,
      creditCard: `${1000 + this.int(9000)} ${1000 + this.int(9000)} ${1000 + this.int(9000)} ${1000 + this.int(9000)}`,
      city: US_CITIES[this.int(US_CITIES.length)]!,
      state: US_STATES[this.int(US_STATES.length)]!,
      dateTime: ts,
      extra: '',
    };
  }

  /** A person id that exists by now: mostly recent ones, "hot" sellers more often. */
  private lastPersonId(epoch: number): number {
    return FIRST_PERSON_ID + epoch * PERSON_PROPORTION;
  }

  private auction(epoch: number, k: number, ts: number): Auction {
    const id = FIRST_AUCTION_ID + epoch * AUCTION_PROPORTION + k;
    const last = this.lastPersonId(epoch);
    const seller =
      this.int(HOT_SELLER_RATIO) > 0 ? Math.floor(last / HOT_SELLER_RATIO) * HOT_SELLER_RATIO : Math.max(FIRST_PERSON_ID, last - this.int(Math.min(NUM_ACTIVE_PEOPLE, last - FIRST_PERSON_ID + 1)));
    const initialBid = 1 + this.int(1000);
    return {
      id,
      itemName: `item-${id}`,
      description: 'a fine thing',
      initialBid,
      reserve: initialBid + this.int(1000),
      dateTime: ts,
      expires: ts + 10_000 + this.int(10_000),
      seller: Math.max(FIRST_PERSON_ID, seller),
      category: FIRST_CATEGORY_ID + this.int(NUM_CATEGORIES),
      extra: '',
    };
  }

  private bid(epoch: number, ts: number): Bid {
    const lastAuction = FIRST_AUCTION_ID + epoch * AUCTION_PROPORTION;
    const auction = this.int(HOT_AUCTION_RATIO) > 0 ? Math.floor(lastAuction / HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO : Math.max(FIRST_AUCTION_ID, lastAuction - this.int(NUM_IN_FLIGHT_AUCTIONS));
    const lastPerson = this.lastPersonId(epoch);
    const bidder = this.int(HOT_BIDDER_RATIO) > 0 ? Math.floor(lastPerson / HOT_BIDDER_RATIO) * HOT_BIDDER_RATIO + 1 : Math.max(FIRST_PERSON_ID, lastPerson - this.int(NUM_ACTIVE_PEOPLE));
    return {
      auction,
      bidder,
      price: 100 + this.int(100_000),
      channel: CHANNELS[this.int(CHANNELS.length)]!,
      url: 'https://www.nexmark.com/item',
      dateTime: ts,
      extra: '',
    };
  }
}
