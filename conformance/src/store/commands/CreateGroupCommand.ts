/**
 * `createGroup(groupId)`: creates a group once; a second time fails with
 * `Duplicate` (group).
 *
 * @since 0.1.0
 */
import { expectOutcome } from "../../internal/storeCall.ts"
import * as Model from "../Model.ts"

/**
 * The create-group command.
 *
 * @category models
 * @since 0.1.0
 */
export class CreateGroupCommand implements Model.Command {
  constructor(readonly groupId: string) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const exists = model.groups.has(this.groupId)
    await expectOutcome(
      `createGroup(${this.groupId})`,
      () => real.store.createGroup(this.groupId),
      exists ? [{ reason: "Duplicate", constraint: "group" }] : [],
      ["GROUP-MEMBERSHIP"]
    )
    model.groups.add(this.groupId)
  }
  toString(): string {
    return `createGroup(${this.groupId})`
  }
}
