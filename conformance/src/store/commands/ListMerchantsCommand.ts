/**
 * `listMerchants()`: every merchant with its group.
 *
 * @since 0.1.0
 */
import { expectSuccess } from "../../internal/storeCall.ts"
import { sameMerchants } from "../Compare.ts"
import * as Model from "../Model.ts"

/**
 * The list-merchants command.
 *
 * @category models
 * @since 0.1.0
 */
export class ListMerchantsCommand implements Model.Command {
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const actual = await expectSuccess("listMerchants()", () => real.store.listMerchants())
    sameMerchants(actual, Array.from(model.merchants.values()), "listMerchants()", ["GROUP-MEMBERSHIP", "MERCHANT-PREFIX"])
  }
  toString(): string {
    return "listMerchants()"
  }
}
