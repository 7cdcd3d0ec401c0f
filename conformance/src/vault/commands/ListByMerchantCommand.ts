/**
 * Every live token a merchant may see: its own scope's and its group's.
 *
 * @since 0.1.0
 */
import { checkRejection, rejection, settle } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"
import { sameViews } from "../Views.ts"

/**
 * The list-by-merchant command.
 *
 * @category models
 * @since 0.1.0
 */
export class ListByMerchantCommand implements Model.Command {
  constructor(readonly merchantId: string) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const what = this.toString()
    const s = await settle(() => real.driver.listByMerchant({ merchantId: this.merchantId }))
    if (!model.merchants.has(this.merchantId)) return checkRejection(what, s, [rejection("MERCHANT_UNKNOWN")], ["GROUP-ACCESS"])
    if (!s.ok) return checkRejection(what, s, [], ["GROUP-ACCESS"])
    const expected = model.tokens.filter((t) => t.status !== "DELETED" && Model.canAccess(model, this.merchantId, t))
    sameViews(s.value, expected, what, ["GROUP-ACCESS", "DELETE-IRREVERSIBLE"], { model, merchantId: this.merchantId })
  }
  toString(): string {
    return `listByMerchant(${this.merchantId})`
  }
}
