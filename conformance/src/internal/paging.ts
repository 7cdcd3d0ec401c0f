/**
 * Reading every page of a paged query, checking the paging obligations on
 * the way: a page never holds more than the requested limit or the store's
 * `maxPageSize`, a page that hands back a cursor is not empty, no record
 * comes twice, and the walk ends.
 */
import type { TokenRecord } from "@tokenvault/core"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import type { Effect } from "effect"
import { Mismatch } from "./assert.ts"
import { expectSuccess } from "./storeCall.ts"

/** Walks the pages of a query; returns every record in the order the store gave them. */
export const collectPages = async (
  what: string,
  fetch: (cursor: string | undefined) => Effect.Effect<TokenStore.Page<TokenRecord.TokenRecord>, TokenStore.TokenStoreError>,
  limit: number,
  maxPageSize: number,
  expectedCount: number,
  rules: ReadonlyArray<string>
): Promise<Array<TokenRecord.TokenRecord>> => {
  const cap = Math.min(limit, maxPageSize)
  const out: Array<TokenRecord.TokenRecord> = []
  const seen = new Set<string>()
  let cursor: string | undefined
  for (let pageNo = 1;; pageNo++) {
    const page = await expectSuccess(`${what} page ${pageNo}`, () => fetch(cursor), rules)
    if (page.items.length > cap) {
      throw new Mismatch(`${what} page ${pageNo}: ${page.items.length} items, more than the limit ${cap}`, rules)
    }
    for (const r of page.items) {
      if (seen.has(r.token)) throw new Mismatch(`${what} page ${pageNo}: ${r.token} came twice`, rules)
      seen.add(r.token)
      out.push(r)
    }
    if (page.cursor === undefined) return out
    if (page.items.length === 0) throw new Mismatch(`${what} page ${pageNo}: an empty page with a cursor`, rules)
    if (pageNo > expectedCount + 1) throw new Mismatch(`${what}: still paging after ${pageNo} pages for ${expectedCount} records`, rules)
    cursor = page.cursor
  }
}
