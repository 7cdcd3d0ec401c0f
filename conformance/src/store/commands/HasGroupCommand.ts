/**
 * `hasGroup(groupId)`: true exactly for created groups.
 *
 * @since 0.1.0
 */
import { equal } from "../../internal/assert.ts"
import { expectSuccess } from "../../internal/storeCall.ts"
import * as Model from "../Model.ts"

/**
 * The has-group command.
 *
 * @category models
 * @since 0.1.0
 */
export class HasGroupCommand implements Model.Command {
  constructor(readonly groupId: string) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const what = `hasGroup(${this.groupId})`
    equal(await expectSuccess(what, () => real.store.hasGroup(this.groupId)), model.groups.has(this.groupId), what, ["GROUP-MEMBERSHIP"])
  }
  toString(): string {
    return `hasGroup(${this.groupId})`
  }
}
