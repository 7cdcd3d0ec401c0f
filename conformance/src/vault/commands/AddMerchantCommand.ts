/**
 * Adding a merchant: refused when it exists (`MERCHANT_EXISTS`) or when its
 * requested prefix belongs to another merchant (`PREFIX_TAKEN`); otherwise
 * configured as asked, with a fresh unique prefix when none was asked for.
 *
 * @since 0.1.0
 */
import type * as GatewayDriver from "../../GatewayDriver.ts"
import { equal, Mismatch } from "../../internal/assert.ts"
import { checkRejection, rejection, settle } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"

/**
 * The add-merchant command.
 *
 * @category models
 * @since 0.1.0
 */
export class AddMerchantCommand implements Model.Command {
  constructor(readonly config: GatewayDriver.MerchantRequest) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    await addMerchant(model, real, this.config)
  }
  toString(): string {
    const c = this.config
    return `addMerchant(${c.merchantId}${c.prefix === undefined ? "" : ` prefix=${c.prefix}`} ${c.format}${
      c.tokenization === false ? " tokenization=off" : ""
    } luhn=${c.luhn})`
  }
}

/**
 * Adds a merchant on both sides and checks the outcome (also used to set
 * up a run).
 *
 * @category running
 * @since 0.1.0
 */
export const addMerchant = async (model: Model.Model, real: Model.Real, c: GatewayDriver.MerchantRequest): Promise<void> => {
  const what = `addMerchant(${c.merchantId})`
  const s = await settle(() => real.driver.addMerchant(c))
  if (model.merchants.has(c.merchantId)) return checkRejection(what, s, [rejection("MERCHANT_EXISTS")], ["MERCHANT-PREFIX"])
  const holder = c.prefix === undefined ? undefined : Array.from(model.merchants.values()).find((m) => m.prefix === c.prefix)
  if (holder !== undefined) return checkRejection(what, s, [rejection("PREFIX_TAKEN")], ["MERCHANT-PREFIX"])
  if (!s.ok) return checkRejection(what, s, [], ["MERCHANT-PREFIX"])
  const prefix = s.value.prefix
  if (c.prefix !== undefined) equal(prefix, c.prefix, `${what}: prefix`, ["MERCHANT-PREFIX"])
  if (typeof prefix !== "string" || !/^[A-Z0-9]{4}$/.test(prefix)) {
    throw new Mismatch(`${what}: prefix ${JSON.stringify(prefix)} is not 4 characters of [A-Z0-9]`, ["MERCHANT-PREFIX"])
  }
  const clash = Array.from(model.merchants.values()).find((m) => m.prefix === prefix)
  if (clash !== undefined) throw new Mismatch(`${what}: prefix ${prefix} already belongs to ${clash.merchantId}`, ["MERCHANT-PREFIX"])
  const expected: GatewayDriver.MerchantView = {
    merchantId: c.merchantId,
    prefix,
    format: c.format ?? s.value.format,
    tokenization: c.tokenization ?? s.value.tokenization,
    luhn: c.luhn ?? s.value.luhn
  }
  equal(
    { merchantId: s.value.merchantId, prefix, format: s.value.format, tokenization: s.value.tokenization, luhn: s.value.luhn },
    expected,
    what,
    ["TOKENIZATION-ENABLED"]
  )
  model.merchants.set(c.merchantId, { ...expected, groupId: undefined })
}
