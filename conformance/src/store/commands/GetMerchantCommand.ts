/**
 * `getMerchant(merchantId)`: the merchant as last put, with its group.
 *
 * @since 0.1.0
 */
import { expectSuccess } from "../../internal/storeCall.ts"
import { sameMerchant } from "../Compare.ts"
import * as Model from "../Model.ts"

/**
 * The get-merchant command.
 *
 * @category models
 * @since 0.1.0
 */
export class GetMerchantCommand implements Model.Command {
  constructor(readonly merchantId: string) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const what = `getMerchant(${this.merchantId})`
    const actual = await expectSuccess(what, () => real.store.getMerchant(this.merchantId))
    sameMerchant(actual, model.merchants.get(this.merchantId), what, ["GROUP-MEMBERSHIP", "MERCHANT-PREFIX"])
  }
  toString(): string {
    return `getMerchant(${this.merchantId})`
  }
}
