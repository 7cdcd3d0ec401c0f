/**
 * Token buckets for the memory store's secondary indexes. Most buckets hold
 * one token (a card's fingerprint) or a few (a customer's cards), so a bucket
 * is the token string itself, then a sorted array, and a `Set` only past
 * {@link SMALL} tokens: small buckets cost a few words instead of a hash
 * table, and come out ordered without a sort.
 *
 * @internal
 */
import { insertSorted, removeSorted } from "./sortedKeys.ts"

export type Bucket = string | Array<string> | Set<string>

/** The largest bucket kept as a sorted array. */
export const SMALL = 32

const add = (bucket: Bucket | undefined, token: string): Bucket => {
  if (bucket === undefined) return token
  if (typeof bucket === "string") return bucket === token ? bucket : bucket < token ? [bucket, token] : [token, bucket]
  if (Array.isArray(bucket)) {
    if (bucket.length < SMALL) {
      insertSorted(bucket, token)
      return bucket
    }
    return new Set(bucket).add(token)
  }
  return bucket.add(token)
}

/** The bucket without `token`, or `undefined` when it is left empty. */
const remove = (bucket: Bucket, token: string): Bucket | undefined => {
  if (typeof bucket === "string") return bucket === token ? undefined : bucket
  if (Array.isArray(bucket)) {
    removeSorted(bucket, token)
    return bucket.length === 0 ? undefined : bucket.length === 1 ? bucket[0] : bucket
  }
  bucket.delete(token)
  return bucket.size === 0 ? undefined : bucket
}

/** The tokens of a bucket in ascending order (a fresh array). */
export const sortedTokens = (bucket: Bucket | undefined): Array<string> =>
  bucket === undefined ? [] : typeof bucket === "string" ? [bucket] : Array.isArray(bucket) ? bucket.slice() : Array.from(bucket).sort()

/** A two-level index: scope, then key (customer or fingerprint), then tokens. */
export type Index = Map<string, Map<string, Bucket>>

export const get = (index: Index, scope: string, key: string): Bucket | undefined => index.get(scope)?.get(key)

export const put = (index: Index, scope: string, key: string, token: string): void => {
  let inner = index.get(scope)
  if (inner === undefined) index.set(scope, inner = new Map())
  const before = inner.get(key)
  const after = add(before, token)
  if (after !== before) inner.set(key, after)
}

export const drop = (index: Index, scope: string, key: string, token: string): void => {
  const inner = index.get(scope)
  const before = inner?.get(key)
  if (inner === undefined || before === undefined) return
  const after = remove(before, token)
  if (after === undefined) {
    inner.delete(key)
    if (inner.size === 0) index.delete(scope)
  } else if (after !== before) inner.set(key, after)
}
