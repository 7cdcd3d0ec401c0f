import { Result } from "effect"
import { describe, expect, it } from "vitest"
import * as Group from "../src/Group.ts"
import { fc, params } from "./fc.ts"
import { failure, success } from "./support.ts"

const merchants = ["9000001", "9000002", "9000003", "9000004", "9000005", "9000006"] as const
const groups = ["g1", "g2", "g3"] as const
const merchant = fc.constantFrom(...merchants)
const group = fc.constantFrom(...groups)

/** The model: who is in which group, and where each token lives (its owner's private scope, or a group). */
interface Model {
  readonly member: Map<string, string>
  readonly tokens: Array<{ readonly owner: string; place: { readonly group: string } | "private" }>
}

/** The system under test: the membership map and each token's scope. */
interface Real {
  membership: Group.Membership
  readonly tokens: Array<{ readonly owner: string; scope: Group.Scope }>
}

type Command =
  | { readonly op: "create"; readonly m: string }
  | { readonly op: "join"; readonly m: string; readonly g: string; readonly withTokens: boolean }
  | { readonly op: "leave"; readonly m: string; readonly g: string; readonly takeTokens: boolean }

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant("create" as const), m: merchant }),
  fc.record({ op: fc.constant("join" as const), m: merchant, g: group, withTokens: fc.boolean() }),
  fc.record({ op: fc.constant("leave" as const), m: merchant, g: group, takeTokens: fc.boolean() })
)

const modelCanAccess = (model: Model, token: Model["tokens"][number], m: string): boolean =>
  token.place === "private" ? token.owner === m : model.member.get(m) === token.place.group

const run = (model: Model, real: Real, c: Command): void => {
  switch (c.op) {
    case "create": {
      const scope = Group.scopeForNewTokens(c.m, real.membership)
      const g = model.member.get(c.m)
      model.tokens.push({ owner: c.m, place: g === undefined ? "private" : { group: g } })
      real.tokens.push({ owner: c.m, scope })
      return
    }
    case "join": {
      const r = Group.join(real.membership, c.m, c.g, c.withTokens)
      if (model.member.has(c.m)) {
        expect(failure(r, "GROUP_MEMBERSHIP").rule).toBe("GROUP-MEMBERSHIP")
        return
      }
      const change = success(r)
      model.member.set(c.m, c.g)
      if (c.withTokens) for (const t of model.tokens) if (t.owner === c.m && t.place === "private") t.place = { group: c.g }
      expect(change.rescope === undefined).toBe(!c.withTokens)
      real.membership = change.membership
      if (change.rescope !== undefined) for (const t of real.tokens) t.scope = Group.applyRescope(change.rescope, t.owner, t.scope)
      return
    }
    case "leave": {
      const r = Group.leave(real.membership, c.m, c.g, c.takeTokens)
      if (model.member.get(c.m) !== c.g) {
        expect(failure(r, "GROUP_MEMBERSHIP").rule).toBe("GROUP-MEMBERSHIP")
        return
      }
      const change = success(r)
      model.member.delete(c.m)
      if (c.takeTokens) {
        for (const t of model.tokens) if (t.owner === c.m && t.place !== "private" && t.place.group === c.g) t.place = "private"
      }
      expect(change.rescope === undefined).toBe(!c.takeTokens)
      real.membership = change.membership
      if (change.rescope !== undefined) for (const t of real.tokens) t.scope = Group.applyRescope(change.rescope, t.owner, t.scope)
      return
    }
  }
}

describe("Group", () => {
  it("[GROUP-ACCESS] [GROUP-MEMBERSHIP] join, leave and canAccess agree with a model over random command sequences", () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const model: Model = { member: new Map(), tokens: [] }
        const real: Real = { membership: new Map(), tokens: [] }
        for (const c of commands) {
          const previous = real.membership
          const snapshot = [...previous]
          run(model, real, c)
          expect([...previous]).toEqual(snapshot) // a change returns a new membership, never mutates the old one
          expect(new Map(real.membership)).toEqual(model.member)
          const wrong: Array<string> = []
          real.tokens.forEach((t, i) => {
            for (const m of merchants) {
              if (Group.canAccess(t.scope, m, real.membership) !== modelCanAccess(model, model.tokens[i]!, m)) {
                wrong.push(`${m} on token ${i} (${t.scope})`)
              }
            }
          })
          expect(wrong).toEqual([])
        }
      }),
      params({ numRuns: 500 })
    )
  })

  it("[GROUP-MEMBERSHIP] join and leave return a new membership and never change the one given", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(merchant, group), { maxLength: 6 }), merchant, group, fc.boolean(), (entries, m, g, flag) => {
        const membership: Group.Membership = new Map(entries)
        const snapshot = [...membership]
        const joined = Group.join(membership, m, g, flag)
        const left = Group.leave(membership, m, g, flag)
        expect([...membership]).toEqual(snapshot)
        if (Result.isSuccess(joined)) expect(joined.success.membership).not.toBe(membership)
        if (Result.isSuccess(left)) expect(left.success.membership.has(m)).toBe(false)
      }),
      params()
    )
  })

  it("[GROUP-ACCESS] canAccess is membership of visibleScopes: a merchant sees its own scope and its group's only", () => {
    const scope = fc.oneof(merchant.map(Group.merchantScope), group.map(Group.groupScope), fc.constantFrom<Group.Scope>("group:\u0000", "merchant:", "group:"))
    fc.assert(
      fc.property(fc.array(fc.tuple(merchant, group), { maxLength: 6 }), scope, merchant, (entries, s, m) => {
        const membership: Group.Membership = new Map(entries)
        const visible = Group.visibleScopes(m, membership)
        expect(Group.canAccess(s, m, membership)).toBe(visible.includes(s))
        expect(visible[0]).toBe(`merchant:${m}`)
        expect(visible.length).toBe(membership.has(m) ? 2 : 1)
      }),
      params()
    )
  })

  it("[GROUP-ACCESS] a merchant outside any group never reaches a group scope, whatever its name", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), merchant, (g, m) => {
        expect(Group.canAccess(Group.groupScope(g), m, new Map())).toBe(false)
      }),
      params()
    )
  })

  it("[GROUP-ACCESS] new tokens go to the group's scope when the merchant is in one, else to its own", () => {
    const membership = new Map([["9000001", "g1"]])
    expect(Group.scopeForNewTokens("9000001", membership)).toBe("group:g1")
    expect(Group.scopeForNewTokens("9000002", membership)).toBe("merchant:9000002")
    expect(Group.canAccess("group:g1", "9000002", membership)).toBe(false)
    expect(Group.canAccess("merchant:9000001", "9000002", membership)).toBe(false)
  })

  it("[GROUP-MEMBERSHIP] applyRescope moves only the owner's tokens in the source scope", () => {
    const rescope: Group.Rescope = { owner: "9000001", from: "merchant:9000001", to: "group:g1" }
    expect(Group.applyRescope(rescope, "9000001", "merchant:9000001")).toBe("group:g1")
    expect(Group.applyRescope(rescope, "9000002", "merchant:9000001")).toBe("merchant:9000001")
    expect(Group.applyRescope(rescope, "9000001", "group:g2")).toBe("group:g2")
  })
})
