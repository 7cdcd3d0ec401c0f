/**
 * Malformed card input: a canary PAN with spaces, dashes, a letter, an
 * extra digit, or a malformed expiry. The gateway refuses it with a code,
 * and (under the NO-PAN-LEAK property) nothing it says repeats the digits.
 *
 * @since 0.1.0
 */
import { Mismatch } from "../../internal/assert.ts"
import { settle } from "../../internal/driverCall.ts"
import { isGatewayError } from "../../GatewayDriver.ts"
import * as Model from "../Model.ts"

/**
 * A way to spoil a card number or an expiry.
 *
 * @category models
 * @since 0.1.0
 */
export type Spoil = "spaced" | "dashed" | "letter" | "extraDigit" | "expiry"

const spoil = (pan: string, how: Spoil): { readonly pan: string; readonly expiry: string } => {
  switch (how) {
    case "spaced":
      return { pan: pan.replace(/(\d{4})(?=\d)/g, "$1 "), expiry: "12/39" }
    case "dashed":
      return { pan: pan.replace(/(\d{4})(?=\d)/g, "$1-"), expiry: "12/39" }
    case "letter":
      return { pan: `${pan.slice(0, 6)}X${pan.slice(6)}`, expiry: "12/39" }
    case "extraDigit":
      return { pan: `${pan}${pan}`, expiry: "12/39" }
    case "expiry":
      return { pan, expiry: `${pan.slice(-4, -2)}/${pan.slice(0, 3)}` }
  }
}

/**
 * The bad-input command.
 *
 * @category models
 * @since 0.1.0
 */
export class BadInputCommand implements Model.Command {
  constructor(readonly merchantId: string, readonly cardIndex: number, readonly how: Spoil) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const card = model.cards[this.cardIndex % model.cards.length]!
    const input = spoil(card.pan, this.how)
    const s = await settle(() => real.driver.tokenize({ merchantId: this.merchantId, customerId: "c1", ...input }))
    if (s.ok || !isGatewayError(s.error)) {
      throw new Mismatch(`${this.toString()}: expected a refusal with a code, got ${s.ok ? "a token" : "an error without a code"}`, [
        "PAN-LENGTH"
      ])
    }
  }
  toString(): string {
    return `tokenize(${this.merchantId}, card#${this.cardIndex} ${this.how})`
  }
}
