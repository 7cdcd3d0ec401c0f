/**
 * Record buckets for the memory store's customer and fingerprint indexes.
 * Most buckets hold one record (a card's fingerprint) or a few (a customer's
 * cards), so a bucket is the record itself, then an array sorted by token,
 * and a `Map` by token only past {@link SMALL} records. Buckets hold the
 * records, not their tokens: a query reads them without a lookup per token in
 * the primary map (at a million tokens each lookup is a few cache misses),
 * and small buckets come out ordered without a sort.
 *
 * @internal
 */

export interface Keyed {
  readonly token: string
}

export type Bucket<A extends Keyed> = A | Array<A> | Map<string, A>

/** The largest bucket kept as a sorted array. */
export const SMALL = 32

/** The position of `token` in a bucket sorted by token, or where it would go. */
const lowerBound = <A extends Keyed>(items: ReadonlyArray<A>, token: string): number => {
  let lo = 0
  let hi = items.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (items[mid]!.token < token) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** `bucket` with `item` added, or put in place of the item with the same token. */
const add = <A extends Keyed>(bucket: Bucket<A> | undefined, item: A): Bucket<A> => {
  if (bucket === undefined) return item
  if (bucket instanceof Map) return bucket.set(item.token, item)
  if (!Array.isArray(bucket)) {
    if (bucket.token === item.token) return item
    return bucket.token < item.token ? [bucket, item] : [item, bucket]
  }
  const i = lowerBound(bucket, item.token)
  if (bucket[i]?.token === item.token) bucket[i] = item
  else if (bucket.length < SMALL) bucket.splice(i, 0, item)
  else return new Map(bucket.map((a) => [a.token, a] as const)).set(item.token, item)
  return bucket
}

/** `bucket` without the item of `token`, or `undefined` when it is left empty. */
const remove = <A extends Keyed>(bucket: Bucket<A>, token: string): Bucket<A> | undefined => {
  if (bucket instanceof Map) {
    bucket.delete(token)
    return bucket.size === 0 ? undefined : bucket
  }
  if (!Array.isArray(bucket)) return bucket.token === token ? undefined : bucket
  const i = lowerBound(bucket, token)
  if (bucket[i]?.token === token) bucket.splice(i, 1)
  return bucket.length === 0 ? undefined : bucket.length === 1 ? bucket[0] : bucket
}

/** The items of a bucket ordered by token (a fresh array). */
export const sorted = <A extends Keyed>(bucket: Bucket<A> | undefined): Array<A> => {
  if (bucket === undefined) return []
  if (bucket instanceof Map) return Array.from(bucket.values()).sort((a, b) => (a.token < b.token ? -1 : 1))
  return Array.isArray(bucket) ? bucket.slice() : [bucket]
}

/** The items of a bucket, in no particular order (no copy). */
export const items = <A extends Keyed>(bucket: Bucket<A> | undefined): Iterable<A> =>
  bucket === undefined ? [] : bucket instanceof Map ? bucket.values() : Array.isArray(bucket) ? bucket : [bucket]

/** A two-level index: scope, then key (customer or fingerprint), then a bucket. */
export type Index<A extends Keyed> = Map<string, Map<string, Bucket<A>>>

export const get = <A extends Keyed>(index: Index<A>, scope: string, key: string): Bucket<A> | undefined => index.get(scope)?.get(key)

/** Adds `item` under `scope` and `key`, or replaces the item with its token there. */
export const put = <A extends Keyed>(index: Index<A>, scope: string, key: string, item: A): void => {
  let inner = index.get(scope)
  if (inner === undefined) index.set(scope, inner = new Map())
  const before = inner.get(key)
  const after = add(before, item)
  if (after !== before) inner.set(key, after)
}

export const drop = <A extends Keyed>(index: Index<A>, scope: string, key: string, token: string): void => {
  const inner = index.get(scope)
  const before = inner?.get(key)
  if (inner === undefined || before === undefined) return
  const after = remove(before, token)
  if (after === undefined) {
    inner.delete(key)
    if (inner.size === 0) index.delete(scope)
  } else if (after !== before) inner.set(key, after)
}
