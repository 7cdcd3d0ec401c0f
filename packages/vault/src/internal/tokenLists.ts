/**
 * Token lists for the memory store's scope and due-date indexes: the tokens
 * under each key (a scope, a retention date), appended on add and removed
 * lazily.
 *
 * A `Set` per key costs a hash-table insert into a set of up to a million
 * tokens on every insert and every recovered record, and a removal on every
 * move; at that size each is a few cache misses. Here an add is an array
 * push, and a removal only counts: the entry stays until the list is next
 * compacted, and readers skip it. Whether an entry is current is the
 * record's own business, so the owner passes `isLive(key, token)`, which
 * reads the record as it is now.
 *
 * Invariants, per key:
 * - `live` is the number of distinct tokens under the key now (adds minus
 *   removes; the owner adds a token only when it comes under the key and
 *   removes it only when it leaves).
 * - `items` holds every live token at least once, plus stale entries (tokens
 *   that left) and repeats (tokens that left and came back); an add or a
 *   removal that leaves more than `2 × live + slack` entries compacts the
 *   list (drop stale, sort, drop repeats), so memory and a reader's skipping
 *   stay linear in `live`, and each compaction is paid for by the `live`
 *   adds or removals before it.
 * - When `sorted`, `items` is in ascending order, so a page resumes by binary
 *   search and repeats are adjacent. Readers sort in place, once, after adds.
 *
 * @internal
 */

interface List {
  items: Array<string>
  live: number
  sorted: boolean
}

/** The first position in sorted `items` whose token is greater than `after`. */
const upperBound = (items: ReadonlyArray<string>, after: string): number => {
  let lo = 0
  let hi = items.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (items[mid]! <= after) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Tokens by key, with lazy removal. */
export class TokenLists {
  private readonly lists = new Map<string, List>()

  /**
   * @param isLive Whether `token` is under `key` now (reads the current record).
   * @param slack Stale entries allowed beyond `live` before an add or a removal compacts the list.
   */
  constructor(private readonly isLive: (key: string, token: string) => boolean, private readonly slack = 32) {}

  /** Adds `token`, which has just come under `key` (call it once the record is current); true when `key` is new. */
  add(key: string, token: string): boolean {
    const list = this.lists.get(key)
    if (list === undefined) {
      this.lists.set(key, { items: [token], live: 1, sorted: true })
      return true
    }
    const items = list.items
    if (list.sorted && items[items.length - 1]! > token) list.sorted = false
    items.push(token)
    list.live++
    if (items.length > 2 * list.live + this.slack) this.compact(key, list)
    return false
  }

  /**
   * Counts one token off `key`, which it has just left (call it once the
   * record is current); true when `key` is left empty (and dropped).
   */
  remove(key: string): boolean {
    const list = this.lists.get(key)
    if (list === undefined) return false
    if (--list.live === 0) {
      this.lists.delete(key)
      return true
    }
    // A list that only loses tokens (deletions, purges, a scope emptied by re-scoping) compacts here.
    if (list.items.length > 2 * list.live + this.slack) this.compact(key, list)
    return false
  }

  /** How many tokens are under `key`. */
  size(key: string): number {
    return this.lists.get(key)?.live ?? 0
  }

  /** How many entries the list of `key` holds, stale ones and repeats included (at most `2 × size + slack`). */
  entries(key: string): number {
    return this.lists.get(key)?.items.length ?? 0
  }

  /** The tokens under `key` in ascending order, after `after` when given, at most `limit`. */
  read(key: string, after: string | undefined, limit: number): Array<string> {
    const out: Array<string> = []
    const list = this.lists.get(key)
    if (list === undefined || limit <= 0) return out
    if (!list.sorted) {
      list.items.sort()
      list.sorted = true
    }
    const items = list.items
    let previous: string | undefined
    for (let i = after === undefined ? 0 : upperBound(items, after); i < items.length && out.length < limit; i++) {
      const token = items[i]!
      if (token === previous) continue
      previous = token
      if (this.isLive(key, token)) out.push(token)
    }
    return out
  }

  private compact(key: string, list: List): void {
    const kept = list.items.filter((token) => this.isLive(key, token)).sort()
    let n = 0
    for (let i = 0; i < kept.length; i++) if (i === 0 || kept[i] !== kept[i - 1]) kept[n++] = kept[i]!
    kept.length = n
    list.items = kept
    list.sorted = true
  }
}
