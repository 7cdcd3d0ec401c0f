/**
 * No lost update: several callers each read a record, append one agreement
 * and compare-and-set, retrying on `Conflict`, interleaved by the scheduler.
 * In the end every caller has succeeded once, the record holds every
 * caller's agreement and its version went up by exactly the number of
 * callers.
 *
 * @since 0.1.0
 */
import type { TokenRecord } from "@tokenvault/core"
import { equal, Mismatch } from "../../internal/assert.ts"
import { concurrently } from "../../internal/concurrently.ts"
import { attempt } from "../../internal/outcome.ts"
import { expectSuccess, showOutcome } from "../../internal/storeCall.ts"
import * as Model from "../Model.ts"

const RULES = ["DELETE-IRREVERSIBLE", "STATUS-TRANSITIONS"]

const isConflict = (error: unknown): boolean => {
  const e = error as { readonly _tag?: string; readonly reason?: { readonly _tag?: string } }
  return e?._tag === "TokenStoreError" && e.reason?._tag === "Conflict"
}

/**
 * The read-modify-write command.
 *
 * @category models
 * @since 0.1.0
 */
export class ConcurrentIncrementCommand implements Model.Command {
  constructor(readonly token: string, readonly callers: number) {}
  check(model: Model.Model): boolean {
    return model.records.has(this.token)
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const before = model.records.get(this.token)!
    const what = `${this.callers} callers read-modify-write ${this.token}`
    const caller = async (i: number, pause: (label: string) => Promise<void>): Promise<void> => {
      const id = `rmw-${before.version}-${i}`
      for (let tries = 0; tries <= this.callers + 2; tries++) {
        if (tries > 0) await pause(`caller ${i} reads again`)
        const current = await expectSuccess(`${what}: caller ${i} get`, () => real.store.get(this.token), RULES)
        if (current === undefined) throw new Mismatch(`${what}: caller ${i} found no record`, RULES)
        const next: TokenRecord.TokenRecord = {
          ...current,
          agreements: [...current.agreements, { type: "INSTALLMENT", initialTransactionId: id }],
          version: current.version + 1
        }
        await pause(`caller ${i} writes v${next.version}`)
        const o = await attempt(() => real.store.update(next))
        if (o._tag === "Success") return
        if (!(o._tag === "Failure" && isConflict(o.error))) throw new Mismatch(`${what}: caller ${i} got ${showOutcome(o)}`, RULES)
      }
      throw new Mismatch(`${what}: caller ${i} never got through`, RULES)
    }
    await concurrently(
      real.scheduler,
      Array.from({ length: this.callers }, (_, i) => [`caller ${i + 1} reads`, (pause) => caller(i + 1, pause)] as const)
    )
    const after = await expectSuccess(`get(${this.token}) after ${what}`, () => real.store.get(this.token), RULES)
    if (after === undefined) throw new Mismatch(`${what}: the record is gone`, RULES)
    equal(after.version, before.version + this.callers, `${what}: version`, RULES)
    equal(
      after.agreements.map((a) => a.initialTransactionId).sort(),
      [...before.agreements.map((a) => a.initialTransactionId), ...Array.from({ length: this.callers }, (_, i) => `rmw-${before.version}-${i + 1}`)]
        .sort(),
      `${what}: agreements (a lost update drops one)`,
      RULES
    )
    model.records.set(this.token, after)
  }
  toString(): string {
    return `concurrently(${this.callers} × readModifyWrite(${this.token}))`
  }
}
