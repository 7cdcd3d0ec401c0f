/**
 * Concurrent compare-and-set: several callers read the same version of one
 * record and each writes its own next version at once, in an order the
 * scheduler picks. Exactly one wins; every other caller gets `Conflict` (or
 * `Duplicate` when its own change takes a held ACTIVE slot), and the stored
 * record is the winner's.
 *
 * @since 0.1.0
 */
import { Mismatch } from "../../internal/assert.ts"
import { concurrently } from "../../internal/concurrently.ts"
import { attempt } from "../../internal/outcome.ts"
import { expectSuccess, showOutcome } from "../../internal/storeCall.ts"
import { applyChange, type Change, showChange } from "../Arbitraries.ts"
import { sameRecord } from "../Compare.ts"
import * as Model from "../Model.ts"

const RULES = ["DELETE-IRREVERSIBLE", "STATUS-TRANSITIONS"]

const tagOf = (error: unknown): { readonly reason: string; readonly constraint?: string } | undefined => {
  const e = error as { readonly _tag?: string; readonly reason?: { readonly _tag?: string; readonly constraint?: string } }
  return e?._tag === "TokenStoreError" && e.reason?._tag !== undefined
    ? { reason: e.reason._tag, ...(e.reason.constraint === undefined ? {} : { constraint: e.reason.constraint }) }
    : undefined
}

/**
 * The concurrent compare-and-set command.
 *
 * @category models
 * @since 0.1.0
 */
export class ConcurrentUpdateCommand implements Model.Command {
  constructor(readonly token: string, readonly changes: ReadonlyArray<Change>) {}
  check(model: Model.Model): boolean {
    return model.records.has(this.token)
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const current = model.records.get(this.token)!
    const nexts = this.changes.map((c) => ({ ...applyChange(current, c), version: current.version + 1 }))
    const collides = nexts.map((n) => Model.activeRival(model, n) !== undefined)
    const outcomes = await concurrently(
      real.scheduler,
      nexts.map((next, i) => [`caller ${i + 1} writes v${next.version}`, () => attempt(() => real.store.update(next))] as const)
    )
    const winners = outcomes.flatMap((o, i) => (o._tag === "Success" ? [i] : []))
    const what = `${this.changes.length} concurrent update(${this.token} v${current.version + 1})`
    if (winners.length > 1) {
      throw new Mismatch(`${what}: ${winners.length} callers won the same version (callers ${winners.map((i) => i + 1).join(", ")})`, RULES)
    }
    outcomes.forEach((o, i) => {
      if (o._tag === "Success") return
      const tag = o._tag === "Failure" ? tagOf(o.error) : undefined
      const allowed = tag?.reason === "Conflict" || (tag?.reason === "Duplicate" && tag.constraint === "activeFingerprint" && collides[i])
      if (!allowed) throw new Mismatch(`${what}: caller ${i + 1} got ${showOutcome(o)}`, RULES)
    })
    if (winners.length === 0 && collides.some((c) => !c)) throw new Mismatch(`${what}: no caller won`, RULES)
    const winner = winners.length === 0 ? current : nexts[winners[0]!]!
    const stored = await expectSuccess(`get(${this.token}) after ${what}`, () => real.store.get(this.token), RULES)
    sameRecord(stored, winner, `get(${this.token}) after ${what}`, RULES)
    model.records.set(this.token, winner)
  }
  toString(): string {
    return `concurrently(${this.changes.map((c) => `update(${this.token}, ${showChange(c)})`).join(" ‖ ")})`
  }
}
