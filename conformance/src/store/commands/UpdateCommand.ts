/**
 * `update(next)`: compare-and-set. It succeeds only when the stored version
 * is `next.version - 1`, fails with `NotFound` for an absent token, with
 * `Conflict` for a stale version, and with `Duplicate` (activeFingerprint)
 * when `next` would be a second ACTIVE record in its slot. A failed update
 * changes nothing.
 *
 * @since 0.1.0
 */
import type { TokenRecord } from "@tokenvault/core"
import { expectOutcome } from "../../internal/storeCall.ts"
import { applyChange, type Change, showChange, showRecord } from "../Arbitraries.ts"
import * as Model from "../Model.ts"

/**
 * The update command. `skew` is added to the expected next version: 0 is a
 * fresh compare-and-set, anything else a stale one.
 *
 * @category models
 * @since 0.1.0
 */
export class UpdateCommand implements Model.Command {
  constructor(
    readonly token: string,
    readonly change: Change,
    readonly skew: number,
    /** What is sent when the token does not exist. */
    readonly template: TokenRecord.TokenRecord
  ) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const current = model.records.get(this.token) ?? { ...this.template, token: this.token }
    const next = { ...applyChange(current, this.change), version: current.version + 1 + this.skew }
    const failures = Model.updateFailures(model, next)
    const rules = failures.length === 0
      ? ["DELETE-IRREVERSIBLE", "DUPLICATE-CARD"]
      : failures.map((f) => (f.reason === "Duplicate" ? "DUPLICATE-CARD" : "DELETE-IRREVERSIBLE"))
    await expectOutcome(`update(${showRecord(next)})`, () => real.store.update(next), failures, rules)
    if (failures.length === 0) model.records.set(next.token, next)
  }
  toString(): string {
    return `update(${this.token}, ${showChange(this.change)}${this.skew === 0 ? "" : `, stale version ${this.skew > 0 ? "+" : ""}${this.skew}`})`
  }
}
