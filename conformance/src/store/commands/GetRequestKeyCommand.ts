/**
 * `getRequestKey(merchantId, merchantRequestId)`: the key a merchant used,
 * with its token and digest, whether a record carries it or it was bound,
 * tombstones included (the key stays used).
 *
 * @since 0.1.0
 */
import { equal } from "../../internal/assert.ts"
import { expectSuccess } from "../../internal/storeCall.ts"
import * as Model from "../Model.ts"

/**
 * Requires the store's answer for one pair to equal the model's.
 *
 * @category predicates
 * @since 0.1.0
 */
export const checkRequestKey = async (
  model: Model.Model,
  real: Model.Real,
  merchantId: string,
  merchantRequestId: string,
  when = ""
): Promise<void> => {
  const what = `getRequestKey(${merchantId}, ${merchantRequestId})${when === "" ? "" : ` ${when}`}`
  const actual = await expectSuccess(what, () => real.store.getRequestKey(merchantId, merchantRequestId), ["IDEMPOTENCY"])
  equal(actual, Model.requestKey(model, merchantId, merchantRequestId), what, ["IDEMPOTENCY"])
}

/**
 * The get-request-key command.
 *
 * @category models
 * @since 0.1.0
 */
export class GetRequestKeyCommand implements Model.Command {
  constructor(readonly merchantId: string, readonly merchantRequestId: string) {}
  check(): boolean {
    return true
  }
  run(model: Model.Model, real: Model.Real): Promise<void> {
    return checkRequestKey(model, real, this.merchantId, this.merchantRequestId)
  }
  toString(): string {
    return `getRequestKey(${this.merchantId}, ${this.merchantRequestId})`
  }
}
