/**
 * `listByScope(scope, page)`: walking the pages from no cursor to the end
 * returns every live record of the scope exactly once, in pages no larger
 * than the limit and the store's `maxPageSize`.
 *
 * @since 0.1.0
 */
import type { Group } from "@tokenvault/core"
import { collectPages } from "../../internal/paging.ts"
import { limitFor, type PageLimit } from "../Arbitraries.ts"
import { sameRecords } from "../Compare.ts"
import * as Model from "../Model.ts"

const RULES = ["GROUP-ACCESS"]

/**
 * The list-by-scope command.
 *
 * @category models
 * @since 0.1.0
 */
export class ListByScopeCommand implements Model.Command {
  constructor(readonly scope: Group.Scope, readonly limit: PageLimit) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const limit = limitFor(this.limit, model.maxPageSize)
    const expected = Model.byScope(model, this.scope)
    const what = `listByScope(${this.scope}, limit ${limit})`
    const actual = await collectPages(
      what,
      (cursor) => real.store.listByScope(this.scope, { limit, cursor }),
      limit,
      model.maxPageSize,
      expected.length,
      RULES
    )
    sameRecords(actual, expected, what, RULES)
  }
  toString(): string {
    return `listByScope(${this.scope}, limit ${this.limit})`
  }
}
