/**
 * A customer's tokens as a merchant sees them: the live tokens in the
 * merchant's scopes, never deleted ones, never another scope's.
 *
 * @since 0.1.0
 */
import { checkRejection, rejection, settle } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"
import { sameViews } from "../Views.ts"

/**
 * The list-by-customer command.
 *
 * @category models
 * @since 0.1.0
 */
export class ListByCustomerCommand implements Model.Command {
  constructor(readonly merchantId: string, readonly customerId: string) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const what = this.toString()
    const s = await settle(() => real.driver.listByCustomer({ merchantId: this.merchantId, customerId: this.customerId }))
    if (!model.merchants.has(this.merchantId)) return checkRejection(what, s, [rejection("MERCHANT_UNKNOWN")], ["GROUP-ACCESS"])
    if (!s.ok) return checkRejection(what, s, [], ["GROUP-ACCESS"])
    const expected = model.tokens.filter((t) =>
      t.status !== "DELETED" && t.customerId === this.customerId && Model.canAccess(model, this.merchantId, t)
    )
    sameViews(s.value, expected, what, ["GROUP-ACCESS", "DELETE-IRREVERSIBLE"], { model, merchantId: this.merchantId })
  }
  toString(): string {
    return `listByCustomer(${this.merchantId}, ${this.customerId})`
  }
}
