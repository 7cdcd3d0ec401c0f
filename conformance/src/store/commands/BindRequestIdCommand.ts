/**
 * `bindRequestId(key)`: binds a `(merchantId, merchantRequestId)` pair to an
 * existing token. `Duplicate` (`merchantRequestId`) when the pair is taken,
 * by a record's own key or an earlier binding; `NotFound` when the token
 * does not exist; either changes nothing.
 *
 * @since 0.1.0
 */
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { expectOutcome } from "../../internal/storeCall.ts"
import * as Model from "../Model.ts"

/**
 * Short text for a request key in command traces.
 *
 * @category encoding
 * @since 0.1.0
 */
export const showKey = (key: TokenStore.RequestKey): string =>
  `${key.merchantId}/${key.merchantRequestId} → ${key.token} ${key.requestDigest ?? "no digest"}`

/**
 * The bind command.
 *
 * @category models
 * @since 0.1.0
 */
export class BindRequestIdCommand implements Model.Command {
  constructor(readonly key: TokenStore.RequestKey) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const failures = Model.bindFailures(model, this.key)
    await expectOutcome(`bindRequestId(${showKey(this.key)})`, () => real.store.bindRequestId(this.key), failures, ["IDEMPOTENCY"])
    if (failures.length === 0) model.boundKeys.set(Model.keyId(this.key.merchantId, this.key.merchantRequestId), this.key)
  }
  toString(): string {
    return `bindRequestId(${showKey(this.key)})`
  }
}
