/**
 * `getByRequestId(merchantId, merchantRequestId)`: the record inserted with
 * that idempotency key, tombstones included (the key stays used).
 *
 * @since 0.1.0
 */
import { expectSuccess } from "../../internal/storeCall.ts"
import { sameRecord } from "../Compare.ts"
import * as Model from "../Model.ts"

/**
 * The get-by-request-id command.
 *
 * @category models
 * @since 0.1.0
 */
export class GetByRequestIdCommand implements Model.Command {
  constructor(readonly merchantId: string, readonly merchantRequestId: string) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const what = `getByRequestId(${this.merchantId}, ${this.merchantRequestId})`
    const actual = await expectSuccess(what, () => real.store.getByRequestId(this.merchantId, this.merchantRequestId), ["IDEMPOTENCY"])
    sameRecord(actual, Model.byRequestId(model, this.merchantId, this.merchantRequestId), what, ["IDEMPOTENCY"])
  }
  toString(): string {
    return `getByRequestId(${this.merchantId}, ${this.merchantRequestId})`
  }
}
