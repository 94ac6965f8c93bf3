import type { AggregateFunction } from '../types.js';
import { AVG, COUNT, MAX, MIN, SUM, SUM_LIST } from './basic.js';
import { ATTR, COLLECT_LIST, COLLECT_SET, COUNT_DISTINCT, HISTOGRAM, TOPK, TOPKDISTINCT } from './collections.js';
import { CORRELATION, EARLIEST_BY_OFFSET, LATEST_BY_OFFSET, STDDEV_POP, STDDEV_SAMP, STDDEV_SAMPLE } from './offset-and-stats.js';

export const aggregateFunctions: AggregateFunction[] = [
  COUNT,
  SUM,
  SUM_LIST,
  AVG,
  MIN,
  MAX,
  COLLECT_LIST,
  COLLECT_SET,
  COUNT_DISTINCT,
  TOPK,
  TOPKDISTINCT,
  HISTOGRAM,
  LATEST_BY_OFFSET,
  EARLIEST_BY_OFFSET,
  STDDEV_SAMP,
  STDDEV_SAMPLE,
  STDDEV_POP,
  CORRELATION,
  ATTR,
];
