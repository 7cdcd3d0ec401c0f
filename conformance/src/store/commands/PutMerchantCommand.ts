/**
 * `putMerchant(merchant)`: adds or replaces a merchant, keeping its group;
 * fails with `Duplicate` (prefix) when another merchant holds the prefix.
 *
 * @since 0.1.0
 */
import type { Merchant } from "@tokenvault/core"
import { expectOutcome } from "../../internal/storeCall.ts"
import * as Model from "../Model.ts"

/**
 * The put-merchant command.
 *
 * @category models
 * @since 0.1.0
 */
export class PutMerchantCommand implements Model.Command {
  constructor(readonly merchant: Merchant.Merchant) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const m = this.merchant
    const taken = Model.prefixHolder(model, m.prefix, m.merchantId) !== undefined
    await expectOutcome(
      `putMerchant(${m.merchantId}, ${m.prefix})`,
      () => real.store.putMerchant(m),
      taken ? [{ reason: "Duplicate", constraint: "prefix" }] : [],
      ["MERCHANT-PREFIX"]
    )
    if (!taken) model.merchants.set(m.merchantId, { ...m, groupId: model.merchants.get(m.merchantId)?.groupId })
  }
  toString(): string {
    const m = this.merchant
    return `putMerchant(${m.merchantId} prefix=${m.prefix} ${m.format}${m.tokenization ? "" : " tokenization=off"} luhn=${m.luhn})`
  }
}
