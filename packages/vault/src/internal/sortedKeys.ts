/**
 * A sorted array of distinct strings with binary-search insert and removal,
 * for the memory store's ordered indexes.
 *
 * @internal
 */
export const lowerBound = (keys: ReadonlyArray<string>, key: string): number => {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (keys[mid]! < key) lo = mid + 1
    else hi = mid
  }
  return lo
}

export const insertSorted = (keys: Array<string>, key: string): void => {
  const i = lowerBound(keys, key)
  if (keys[i] !== key) keys.splice(i, 0, key)
}

export const removeSorted = (keys: Array<string>, key: string): void => {
  const i = lowerBound(keys, key)
  if (keys[i] === key) keys.splice(i, 1)
}
