/**
 * `insert(record)`: succeeds unless the token value exists (tombstones
 * included), the `(merchantId, merchantRequestId)` pair exists, or another
 * ACTIVE record holds the `(scope, customerId, fingerprint)` slot; then it
 * fails with `Duplicate` naming one of the broken constraints and changes
 * nothing.
 *
 * @since 0.1.0
 */
import type { TokenRecord } from "@tokenvault/core"
import { expectOutcome } from "../../internal/storeCall.ts"
import { showRecord } from "../Arbitraries.ts"
import * as Model from "../Model.ts"

const RULES = ["DELETE-IRREVERSIBLE", "IDEMPOTENCY", "DUPLICATE-CARD"]

/**
 * The insert command.
 *
 * @category models
 * @since 0.1.0
 */
export class InsertCommand implements Model.Command {
  constructor(readonly record: TokenRecord.TokenRecord) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const failures = Model.insertFailures(model, this.record)
    const rules = failures.length === 0 ? RULES : failures.map((f) =>
      f.constraint === "token" ? "DELETE-IRREVERSIBLE" : f.constraint === "merchantRequestId" ? "IDEMPOTENCY" : "DUPLICATE-CARD"
    )
    await expectOutcome(`insert(${this.record.token})`, () => real.store.insert(this.record), failures, rules)
    if (failures.length === 0) model.records.set(this.record.token, this.record)
  }
  toString(): string {
    return `insert(${showRecord(this.record)})`
  }
}
