/**
 * Record buckets for the memory store's customer and fingerprint indexes.
 * Most buckets hold one record (a card's fingerprint) or a few (a customer's
 * cards), so a bucket is the record itself, then an array in no set order,
 * and a `Map` by token only past {@link LARGE} records. Buckets hold the
 * records, not their tokens: a query reads them without a lookup per token in
 * the primary map (at a million tokens each lookup is a few cache misses).
 *
 * An array bucket is not kept sorted on write. Finding a sorted position
 * compares the new token with tokens of records that are rarely in cache (two
 * misses a step), and an insert, a durable store's recovery above all, paid
 * that on every record. Instead:
 *
 * - an add appends;
 * - a replacement or a removal finds the record by identity (the store passes
 *   the version the bucket holds) with `indexOf`, which compares pointers and
 *   reads no record;
 * - a query sorts the array in place, then copies it. The sort is stable and
 *   takes n - 1 comparisons on sorted input, so a bucket that has not changed
 *   since its last query is cheap to list again.
 *
 * @internal
 */

export interface Keyed {
  readonly token: string
}

export type Bucket<A extends Keyed> = A | Array<A> | Map<string, A>

/**
 * The largest bucket kept as an array. Its identity scan reads at most this
 * many pointers, 2 KiB, which costs less than one `Map` operation on a cold table.
 */
export const LARGE = 256

const byToken = (a: Keyed, b: Keyed): number => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0)

/** Where `item` is in `items`: by identity, or by token if another version of it is held. */
const indexIn = <A extends Keyed>(items: Array<A>, item: A): number => {
  const i = items.indexOf(item)
  if (i >= 0) return i
  for (let j = 0; j < items.length; j++) if (items[j]!.token === item.token) return j
  return -1
}

/** `bucket` with `item` added (its token is not in the bucket). */
const add = <A extends Keyed>(bucket: Bucket<A> | undefined, item: A): Bucket<A> => {
  if (bucket === undefined) return item
  if (bucket instanceof Map) return bucket.set(item.token, item)
  if (!Array.isArray(bucket)) return [bucket, item]
  if (bucket.length < LARGE) {
    bucket.push(item)
    return bucket
  }
  const map = new Map<string, A>()
  for (const a of bucket) map.set(a.token, a)
  return map.set(item.token, item)
}

/** `bucket` with `next` in place of `previous`, another version of the same token (added if absent). */
const swap = <A extends Keyed>(bucket: Bucket<A> | undefined, previous: A, next: A): Bucket<A> => {
  if (bucket === undefined) return next
  if (bucket instanceof Map) return bucket.set(next.token, next)
  if (!Array.isArray(bucket)) return bucket === previous || bucket.token === next.token ? next : [bucket, next]
  const i = indexIn(bucket, previous)
  if (i < 0) return add(bucket, next)
  bucket[i] = next
  return bucket
}

/** `bucket` without `item` (or another version of its token), or `undefined` when it is left empty. */
const remove = <A extends Keyed>(bucket: Bucket<A>, item: A): Bucket<A> | undefined => {
  if (bucket instanceof Map) {
    bucket.delete(item.token)
    return bucket.size === 0 ? undefined : bucket
  }
  if (!Array.isArray(bucket)) return bucket === item || bucket.token === item.token ? undefined : bucket
  const i = indexIn(bucket, item)
  if (i >= 0) bucket.splice(i, 1)
  return bucket.length === 0 ? undefined : bucket.length === 1 ? bucket[0] : bucket
}

/** The items of a bucket ordered by token (a fresh array). Sorts an array bucket in place first. */
export const sorted = <A extends Keyed>(bucket: Bucket<A> | undefined): Array<A> => {
  if (bucket === undefined) return []
  if (bucket instanceof Map) return Array.from(bucket.values()).sort(byToken)
  return Array.isArray(bucket) ? bucket.sort(byToken).slice() : [bucket]
}

/** The items of a bucket, in no particular order (no copy). */
export const items = <A extends Keyed>(bucket: Bucket<A> | undefined): Iterable<A> =>
  bucket === undefined ? [] : bucket instanceof Map ? bucket.values() : Array.isArray(bucket) ? bucket : [bucket]

/** A two-level index: scope, then key (customer or fingerprint), then a bucket. */
export type Index<A extends Keyed> = Map<string, Map<string, Bucket<A>>>

export const get = <A extends Keyed>(index: Index<A>, scope: string, key: string): Bucket<A> | undefined => index.get(scope)?.get(key)

/** The buckets of `scope`, made if it has none. */
const scoped = <A extends Keyed>(index: Index<A>, scope: string): Map<string, Bucket<A>> => {
  let inner = index.get(scope)
  if (inner === undefined) index.set(scope, inner = new Map())
  return inner
}

/** Adds `item`, whose token is not yet under `scope` and `key`. */
export const put = <A extends Keyed>(index: Index<A>, scope: string, key: string, item: A): void => {
  const inner = scoped(index, scope)
  const before = inner.get(key)
  const after = add(before, item)
  if (after !== before) inner.set(key, after)
}

/** Puts `next` in place of `previous`, the version of its token held under `scope` and `key`. */
export const replace = <A extends Keyed>(index: Index<A>, scope: string, key: string, previous: A, next: A): void => {
  const inner = scoped(index, scope)
  const before = inner.get(key)
  const after = swap(before, previous, next)
  if (after !== before) inner.set(key, after)
}

/** Removes `item`, the version of its token held under `scope` and `key`. */
export const drop = <A extends Keyed>(index: Index<A>, scope: string, key: string, item: A): void => {
  const inner = index.get(scope)
  const before = inner?.get(key)
  if (inner === undefined || before === undefined) return
  const after = remove(before, item)
  if (after === undefined) {
    inner.delete(key)
    if (inner.size === 0) index.delete(scope)
  } else if (after !== before) inner.set(key, after)
}
