/**
 * Concurrent inserts that compete for one value: the same token, the same
 * `(merchantId, merchantRequestId)` or the same ACTIVE slot. The outcome
 * must be one a serial order could give: the winners fit together and with
 * the stored records, every loser gets `Duplicate` naming a constraint the
 * winners or the stored records break, and someone wins when anyone could.
 *
 * @since 0.1.0
 */
import type { TokenRecord } from "@tokenvault/core"
import { Mismatch } from "../../internal/assert.ts"
import { concurrently } from "../../internal/concurrently.ts"
import { attempt } from "../../internal/outcome.ts"
import { showOutcome } from "../../internal/storeCall.ts"
import { showRecord } from "../Arbitraries.ts"
import * as Model from "../Model.ts"

const RULES = ["IDEMPOTENCY", "DUPLICATE-CARD", "DELETE-IRREVERSIBLE"]

const withRecords = (model: Model.Model, records: ReadonlyArray<TokenRecord.TokenRecord>): Model.Model => {
  const m = { ...model, records: new Map(model.records) }
  for (const r of records) m.records.set(r.token, r)
  return m
}

/**
 * The concurrent insert command.
 *
 * @category models
 * @since 0.1.0
 */
export class ConcurrentInsertCommand implements Model.Command {
  constructor(readonly records: ReadonlyArray<TokenRecord.TokenRecord>) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const outcomes = await concurrently(
      real.scheduler,
      this.records.map((record, i) => [`caller ${i + 1} inserts ${record.token}`, () => attempt(() => real.store.insert(record))] as const)
    )
    const what = `${this.records.length} concurrent inserts`
    const winners = this.records.filter((_, i) => outcomes[i]!._tag === "Success")
    for (const w of winners) {
      const others = winners.filter((o) => o !== w)
      const broken = Model.insertFailures(withRecords(model, others), w)
      if (broken.length > 0) {
        throw new Mismatch(`${what}: ${w.token} was accepted though it breaks ${broken.map((b) => b.constraint).join(", ")}`, RULES)
      }
    }
    const after = withRecords(model, winners)
    this.records.forEach((r, i) => {
      const o = outcomes[i]!
      if (o._tag === "Success") return
      const e = (o._tag === "Failure" ? o.error : undefined) as { readonly _tag?: string; readonly reason?: { readonly _tag?: string; readonly constraint?: string } }
      const broken = Model.insertFailures(after, r).map((b) => b.constraint)
      const fits = o._tag === "Failure" && e?._tag === "TokenStoreError" && e.reason?._tag === "Duplicate" &&
        broken.includes(e.reason.constraint as never)
      if (!fits) throw new Mismatch(`${what}: caller ${i + 1} (${r.token}) got ${showOutcome(o)}, breaking [${broken.join(", ")}]`, RULES)
    })
    if (winners.length === 0 && this.records.some((r) => Model.insertFailures(model, r).length === 0)) {
      throw new Mismatch(`${what}: nobody won`, RULES)
    }
    for (const w of winners) model.records.set(w.token, w)
  }
  toString(): string {
    return `concurrently(${this.records.map((r) => `insert(${showRecord(r)})`).join(" ‖ ")})`
  }
}
