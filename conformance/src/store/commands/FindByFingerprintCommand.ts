/**
 * `findByFingerprint(scope, fingerprint)`: the live records of that scope
 * with that fingerprint, never tombstones, never another scope's.
 *
 * @since 0.1.0
 */
import type { Group } from "@tokenvault/core"
import { expectSuccess } from "../../internal/storeCall.ts"
import { sameRecords } from "../Compare.ts"
import * as Model from "../Model.ts"

/**
 * The find-by-fingerprint command.
 *
 * @category models
 * @since 0.1.0
 */
export class FindByFingerprintCommand implements Model.Command {
  constructor(readonly scope: Group.Scope, readonly fingerprint: string) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const what = `findByFingerprint(${this.scope}, ${this.fingerprint})`
    const actual = await expectSuccess(what, () => real.store.findByFingerprint(this.scope, this.fingerprint))
    sameRecords(actual, Model.byFingerprint(model, this.scope, this.fingerprint), what, ["DUPLICATE-CARD", "GROUP-ACCESS"])
  }
  toString(): string {
    return `findByFingerprint(${this.scope}, ${this.fingerprint})`
  }
}
