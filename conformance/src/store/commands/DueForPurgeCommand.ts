/**
 * `dueForPurge(onOrBefore, page)`: walking the pages returns every live
 * record whose `retainUntil` is on or before the date, exactly once; never
 * a tombstone (a purged token is not purged again).
 *
 * @since 0.1.0
 */
import { collectPages } from "../../internal/paging.ts"
import { limitFor, type PageLimit } from "../Arbitraries.ts"
import { sameRecords } from "../Compare.ts"
import * as Model from "../Model.ts"

const RULES = ["RETENTION-PURGE"]

/**
 * The due-for-purge command.
 *
 * @category models
 * @since 0.1.0
 */
export class DueForPurgeCommand implements Model.Command {
  constructor(readonly onOrBefore: string, readonly limit: PageLimit) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const limit = limitFor(this.limit, model.maxPageSize)
    const expected = Model.due(model, this.onOrBefore)
    const what = `dueForPurge(${this.onOrBefore}, limit ${limit})`
    const actual = await collectPages(
      what,
      (cursor) => real.store.dueForPurge(this.onOrBefore as Parameters<typeof real.store.dueForPurge>[0], { limit, cursor }),
      limit,
      model.maxPageSize,
      expected.length,
      RULES
    )
    sameRecords(actual, expected, what, RULES)
  }
  toString(): string {
    return `dueForPurge(${this.onOrBefore}, limit ${this.limit})`
  }
}
