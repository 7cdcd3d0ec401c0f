import { Result } from "effect"
import { describe, expect, it } from "vitest"
import * as TokenStatus from "../src/TokenStatus.ts"
import { fc, params } from "./fc.ts"
import { anything, failure, success } from "./support.ts"

/** The status table, written independently from AlliancePay's transition rules. */
const allowed: Readonly<Record<string, TokenStatus.Status>> = {
  "ACTIVE SUSPEND": "SUSPENDED",
  "SUSPENDED RESUME": "ACTIVE",
  "ACTIVE DELETE": "DELETED",
  "SUSPENDED DELETE": "DELETED"
}

const status = fc.constantFrom<TokenStatus.Status>("ACTIVE", "SUSPENDED", "DELETED")
const event = fc.constantFrom<TokenStatus.Event>("SUSPEND", "RESUME", "DELETE")

const expectModel = (from: unknown, ev: unknown): void => {
  const r = TokenStatus.transition(from, ev)
  const known = (from === "ACTIVE" || from === "SUSPENDED" || from === "DELETED") &&
    (ev === "SUSPEND" || ev === "RESUME" || ev === "DELETE")
  if (!known) {
    expect(failure(r, "INVALID_INPUT").rule).toBe("STATUS-TRANSITIONS")
    return
  }
  const next = allowed[`${from} ${ev}`]
  if (next !== undefined) expect(success(r)).toBe(next)
  else if (from === "DELETED" && ev === "DELETE") expect(failure(r, "TOKEN_ALREADY_DELETED").gatewayCode).toBe("100.350.303")
  else expect(failure(r, "ILLEGAL_TRANSITION").rule).toBe("STATUS-TRANSITIONS")
}

describe("TokenStatus.transition", () => {
  it("[STATUS-TRANSITIONS] [STATUS-DELETE-TWICE] agrees with the table on every (status, event) pair", () => {
    for (const from of TokenStatus.statuses) {
      for (const ev of TokenStatus.events) expectModel(from, ev)
    }
    expect(TokenStatus.statuses).toHaveLength(3)
    expect(TokenStatus.events).toHaveLength(3)
    fc.assert(fc.property(status, event, (from, ev) => expectModel(from, ev)), params())
  })

  it("[STATUS-TRANSITIONS] is total: unknown statuses and events of any type give INVALID_INPUT, never a throw", () => {
    const nearMiss = fc.constantFrom("active", "Active", " ACTIVE", "DELETED ", "INACTIVE", "EXPIRED", "suspend", "", "DELETE\u0000")
    fc.assert(
      fc.property(fc.oneof(status, anything, nearMiss), fc.oneof(event, anything, nearMiss), (from, ev) => expectModel(from, ev)),
      params({ numRuns: 1000 })
    )
  })

  it("[STATUS-TRANSITIONS] [STATUS-DELETE-TWICE] DELETED is terminal: no event leaves it, deleting again is 100.350.303", () => {
    fc.assert(
      fc.property(event, (ev) => {
        expect(Result.isFailure(TokenStatus.transition("DELETED", ev))).toBe(true)
      }),
      params()
    )
    expect(failure(TokenStatus.transition("DELETED", "DELETE"), "TOKEN_ALREADY_DELETED").rule).toBe("STATUS-DELETE-TWICE")
    expect(TokenStatus.table.DELETED).toEqual({})
  })

  it("[STATUS-TRANSITIONS] every status is reachable from ACTIVE, and ACTIVE ⇄ SUSPENDED both ways", () => {
    const seen = new Set<TokenStatus.Status>(["ACTIVE"])
    const queue: Array<TokenStatus.Status> = ["ACTIVE"]
    while (queue.length > 0) {
      const from = queue.shift()!
      for (const ev of TokenStatus.events) {
        const r = TokenStatus.transition(from, ev)
        if (Result.isSuccess(r) && !seen.has(r.success)) {
          seen.add(r.success)
          queue.push(r.success)
        }
      }
    }
    expect([...seen].sort()).toEqual(["ACTIVE", "DELETED", "SUSPENDED"])
    expect(success(TokenStatus.transition("ACTIVE", "SUSPEND"))).toBe("SUSPENDED")
    expect(success(TokenStatus.transition("SUSPENDED", "RESUME"))).toBe("ACTIVE")
  })

  it("[STATUS-TRANSITIONS] random event sequences from ACTIVE follow the model, and once DELETED stay DELETED", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        let s: TokenStatus.Status = "ACTIVE"
        let deleted = false
        for (const ev of events) {
          const r = TokenStatus.transition(s, ev)
          const expected = allowed[`${s} ${ev}`]
          if (expected === undefined) {
            expect(Result.isFailure(r)).toBe(true)
          } else {
            s = success(r)
            expect(s).toBe(expected)
          }
          if (s === "DELETED") deleted = true
          if (deleted) expect(s).toBe("DELETED")
        }
      }),
      params()
    )
  })
})

describe("TokenStatus.transitionTo", () => {
  it("[STATUS-TRANSITIONS] [STATUS-DELETE-TWICE] a target status maps to its event by the same table", () => {
    fc.assert(
      fc.property(fc.oneof(status, anything), fc.oneof(status, anything), (from, target) => {
        const r = TokenStatus.transitionTo(from, target)
        if (!TokenStatus.isStatus(target)) {
          failure(r, "INVALID_INPUT")
        } else {
          const ev = { ACTIVE: "RESUME", SUSPENDED: "SUSPEND", DELETED: "DELETE" }[target]
          expect(r).toEqual(TokenStatus.transition(from, ev))
        }
      }),
      params({ numRuns: 500 })
    )
    expect(success(TokenStatus.transitionTo("ACTIVE", "SUSPENDED"))).toBe("SUSPENDED")
    expect(success(TokenStatus.transitionTo("SUSPENDED", "ACTIVE"))).toBe("ACTIVE")
    failure(TokenStatus.transitionTo("ACTIVE", "ACTIVE"), "ILLEGAL_TRANSITION")
    failure(TokenStatus.transitionTo("DELETED", "DELETED"), "TOKEN_ALREADY_DELETED")
    failure(TokenStatus.transitionTo("DELETED", "ACTIVE"), "ILLEGAL_TRANSITION")
  })

  it("[STATUS-TRANSITIONS] isStatus and isEvent recognise exactly the listed values", () => {
    fc.assert(
      fc.property(anything, (u) => {
        expect(TokenStatus.isStatus(u)).toBe(u === "ACTIVE" || u === "SUSPENDED" || u === "DELETED")
        expect(TokenStatus.isEvent(u)).toBe(u === "SUSPEND" || u === "RESUME" || u === "DELETE")
      }),
      params()
    )
  })
})
