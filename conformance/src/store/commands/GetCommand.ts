/**
 * `get(token)`: returns the record as last written, tombstones included, or
 * `undefined` for a value never inserted.
 *
 * @since 0.1.0
 */
import { expectSuccess } from "../../internal/storeCall.ts"
import * as Model from "../Model.ts"
import { sameRecord } from "../Compare.ts"

/**
 * The get command.
 *
 * @category models
 * @since 0.1.0
 */
export class GetCommand implements Model.Command {
  constructor(readonly token: string) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const actual = await expectSuccess(`get(${this.token})`, () => real.store.get(this.token))
    sameRecord(actual, model.records.get(this.token), `get(${this.token})`)
  }
  toString(): string {
    return `get(${this.token})`
  }
}
