/**
 * A validity check: valid exactly when a use would pass the token checks
 * now; otherwise the code (and gateway code) of the first refusal.
 *
 * @since 0.1.0
 */
import { equal } from "../../internal/assert.ts"
import { checkRejection } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"
import { callOnPick, canPick, showPick } from "../Requests.ts"

/**
 * The check command.
 *
 * @category models
 * @since 0.1.0
 */
export class CheckTokenCommand implements Model.Command {
  constructor(readonly merchantId: string, readonly pick: number) {}
  check(model: Model.Model): boolean {
    return canPick(model, this.pick)
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const { access: a, settled: s, token, what } = await callOnPick(
      model,
      this.merchantId,
      this.pick,
      (merchantId, token) => `checkToken(${merchantId}, ${token})`,
      (merchantId, token) => real.driver.checkToken({ merchantId, token })
    )
    if (a._tag === "Fail") return checkRejection(what, s, [a.error], ["GROUP-ACCESS"])
    if (!s.ok) return checkRejection(what, s, [], ["USE-ACTIVE"])
    const refusal = Model.unusable(model, a.token)
    const expected = {
      token,
      valid: refusal === undefined,
      code: refusal?.code ?? null,
      gatewayCode: refusal?.gatewayCodes[0] ?? null
    }
    const actual = { token: s.value.token, valid: s.value.valid, code: s.value.code ?? null, gatewayCode: s.value.gatewayCode ?? null }
    equal(actual, expected, what, [refusal === undefined ? "USE-ACTIVE" : Model.ruleOfRefusal(refusal.code)])
  }
  toString(): string {
    return `checkToken(${this.merchantId}, ${showPick(this.pick)})`
  }
}
