/**
 * Reading a token: its view for a merchant in its scope, deleted tokens
 * included; `TOKEN_NOT_FOUND` otherwise, indistinguishable from what a
 * never-issued value of the same format gets.
 *
 * @since 0.1.0
 */
import { canonical, Mismatch } from "../../internal/assert.ts"
import { checkRejection, settle } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"
import { callOnPick, canPick, showPick } from "../Requests.ts"
import { phantom, sameView } from "../Views.ts"

const shape = (e: unknown): string => {
  const o = e as Record<string, unknown>
  return canonical({ _tag: o?.["_tag"], name: o?.["name"], code: o?.["code"], gatewayCode: o?.["gatewayCode"], message: o?.["message"] })
}

/**
 * The get-token command.
 *
 * @category models
 * @since 0.1.0
 */
export class GetTokenCommand implements Model.Command {
  constructor(readonly merchantId: string, readonly pick: number) {}
  check(model: Model.Model): boolean {
    return canPick(model, this.pick)
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const { access: a, merchantId, settled: s, token, what } = await callOnPick(
      model,
      this.merchantId,
      this.pick,
      (merchantId, token) => `getToken(${merchantId}, ${token})`,
      (merchantId, token) => real.driver.getToken({ merchantId, token })
    )
    if (a._tag === "Ok") {
      if (!s.ok) return checkRejection(what, s, [], ["GROUP-ACCESS"])
      return sameView(s.value, a.token, what, ["GROUP-ACCESS"])
    }
    checkRejection(what, s, [a.error], ["GROUP-ACCESS"])
    const existing = Model.find(model, token)
    if (existing !== undefined && a.error.code === "TOKEN_NOT_FOUND") {
      const ghost = phantom(model, existing)
      const p = await settle(() => real.driver.getToken({ merchantId, token: ghost }))
      if (p.ok || shape(p.error) !== shape(s.ok ? undefined : s.error)) {
        throw new Mismatch(
          `${what}: the refusal for a token outside the merchant's scope differs from the one for a never-issued token (${ghost})`,
          ["GROUP-ACCESS"]
        )
      }
    }
  }
  toString(): string {
    return `getToken(${this.merchantId}, ${showPick(this.pick)})`
  }
}
