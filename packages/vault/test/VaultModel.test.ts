/**
 * Model-based test of the vault: random sequences of use cases (tokenize,
 * custom tokens, use, suspend/resume, delete, extend, check, get, list,
 * clock advances, sweep, group join/leave) run against the Promise facade and
 * against a SIMPLE MODEL written here from the rules, and the outcomes
 * (success, or the error code) must match at every step.
 *
 * The model knows only: who may see a token (scope and membership), its
 * status and deletion reason, its instrument, customer and extension, its
 * last activity and agreements, and the rules' dates (computed with the JS
 * Date, independently of src).
 *
 * A duplicate whose ACTIVE original is past retention (not swept yet) is
 * handled as if the sweep had run first: the original is purged and the
 * request is a fresh one (so a custom value it held is refused, 1163). Where
 * the rules leave room (a custom value held by a token outside the
 * merchant's scope) the model accepts each reasonable outcome.
 */
import { describe, expect, it } from "vitest"
import * as MemoryTokenStore from "../src/MemoryTokenStore.ts"
import * as NodeCardCrypto from "../src/NodeCardCrypto.ts"
import { createVault, type PromiseVault } from "../src/PromiseVault.ts"
import {
  absentToken,
  fc,
  fcParams,
  IBAN_A,
  isoOf,
  KEYS,
  PAN_A,
  PAN_B,
  refAddMonths,
  refExpiresOn,
  T0
} from "./helpers.ts"

// ---------------------------------------------------------------------------
// The world
// ---------------------------------------------------------------------------

const MERCHANTS = ["A", "B", "C"] as const
const PREFIX: Record<Merchant, string> = { A: "AAA1", B: "BBB1", C: "CCC1" }
const CUSTOMERS = ["c1", "c2"] as const
const INSTRUMENTS = ["P1", "P2", "I1"] as const
const CUSTOM_VALUES = ["Model_Value_1", "Model_Value_2"] as const
const GROUP = "G"
const DAY = 86_400_000

type Merchant = (typeof MERCHANTS)[number]
type Customer = (typeof CUSTOMERS)[number]
type Instrument = (typeof INSTRUMENTS)[number]

/** P1 expires at the end of March 2025, P2 at the end of December 2026; I1 is a bank account. */
const CARD: Record<"P1" | "P2", { pan: string; month: number; year: number }> = {
  P1: { pan: PAN_A, month: 3, year: 2025 },
  P2: { pan: PAN_B, month: 12, year: 2026 }
}

const requestFor = (merchantId: Merchant, customerId: Customer, instrument: Instrument) =>
  instrument === "I1"
    ? { merchantId, customerId, iban: IBAN_A }
    : {
      merchantId,
      customerId,
      pan: CARD[instrument].pan,
      expiry: `${String(CARD[instrument].month).padStart(2, "0")}/${String(CARD[instrument].year % 100)}`
    }

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

type UseKind = "CIT_INITIAL" | "CIT_REPEATED" | "MIT_WITH_ID" | "MIT_WITHOUT_ID"

type Op =
  | { readonly op: "tokenize"; readonly m: Merchant; readonly c: Customer; readonly i: Instrument }
  | { readonly op: "custom"; readonly m: Merchant; readonly c: Customer; readonly i: Instrument; readonly value: string }
  | { readonly op: "use"; readonly m: Merchant | "owner"; readonly t: number; readonly kind: UseKind }
  | { readonly op: "suspend" | "resume" | "delete" | "extend" | "check" | "get"; readonly m: Merchant | "owner"; readonly t: number }
  | { readonly op: "list"; readonly m: Merchant }
  | { readonly op: "advance"; readonly days: number }
  | { readonly op: "sweep" }
  | { readonly op: "join"; readonly m: Merchant; readonly withTokens: boolean }
  | { readonly op: "leave"; readonly m: Merchant; readonly takeTokens: boolean }

const merchant = fc.constantFrom(...MERCHANTS)
const customer = fc.constantFrom(...CUSTOMERS)
const instrument = fc.constantFrom(...INSTRUMENTS)
/** A reference to a token made so far (resolved modulo their number), sometimes to one that does not exist. */
const tokenRef = fc.nat({ max: 9_999 })
/** Who acts on a token: mostly its owner, sometimes any merchant. */
const actor = fc.oneof({ weight: 3, arbitrary: fc.constant("owner" as const) }, { weight: 1, arbitrary: merchant })

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("tokenize" as const), m: merchant, c: customer, i: instrument }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("custom" as const), m: merchant, c: customer, i: instrument, value: fc.constantFrom(...CUSTOM_VALUES) })
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant("use" as const),
      m: actor,
      t: tokenRef,
      kind: fc.constantFrom<UseKind>("CIT_INITIAL", "CIT_REPEATED", "MIT_WITH_ID", "MIT_WITHOUT_ID")
    })
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constantFrom("suspend" as const, "resume" as const, "delete" as const, "extend" as const, "check" as const, "get" as const),
      m: actor,
      t: tokenRef
    })
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("list" as const), m: merchant }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("advance" as const), days: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("sweep" as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("join" as const), m: merchant, withTokens: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("leave" as const), m: merchant, takeTokens: fc.boolean() }) }
)

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

interface MToken {
  readonly token: string
  readonly owner: Merchant
  scope: string
  readonly customer: Customer
  readonly instrument: Instrument
  status: "ACTIVE" | "SUSPENDED" | "DELETED"
  deletion: "DEREGISTERED" | "RETENTION" | undefined
  extended: boolean
  lastActivity: string
  recurring: string | undefined
}

class Model {
  now = T0
  readonly tokens: Array<MToken> = []
  readonly membership = new Map<Merchant, string>()

  today(): string {
    return isoOf(this.now)
  }

  scopeOf(m: Merchant): string {
    return this.membership.has(m) ? `group:${GROUP}` : `merchant:${m}`
  }

  canAccess(t: MToken, m: Merchant): boolean {
    return t.scope === `merchant:${m}` || (this.membership.has(m) && t.scope === `group:${this.membership.get(m)}`)
  }

  /** The token `ref` designates, or undefined for a token that does not exist (one reference in ten). */
  at(ref: number): MToken | undefined {
    return this.tokens.length === 0 || ref % 10 === 9 ? undefined : this.tokens[ref % this.tokens.length]
  }

  cardExpired(i: Instrument): boolean {
    return i !== "I1" && this.today() >= refExpiresOn(CARD[i].month, CARD[i].year)
  }

  retainUntil(t: MToken): string {
    return t.instrument === "I1"
      ? refAddMonths(t.lastActivity, t.extended ? 24 : 14)
      : refAddMonths(refExpiresOn(CARD[t.instrument].month, CARD[t.instrument].year), t.extended ? 24 : 14)
  }

  retained(t: MToken): boolean {
    return this.today() < this.retainUntil(t)
  }

  activeTwin(scope: string, c: Customer, i: Instrument, except?: MToken): MToken | undefined {
    return this.tokens.find((t) => t !== except && t.scope === scope && t.customer === c && t.instrument === i && t.status === "ACTIVE")
  }

  /** What a CIT REPEATED use would fail with, or undefined (PaymentUse's order). */
  useBlock(t: MToken): string | undefined {
    if (t.status === "DELETED") return t.deletion === "RETENTION" ? "RETENTION_EXPIRED" : "TOKEN_DELETED"
    if (!this.retained(t)) return "RETENTION_EXPIRED"
    if (t.status === "SUSPENDED") return "TOKEN_SUSPENDED"
    if (this.cardExpired(t.instrument)) return "TOKEN_EXPIRED"
    return undefined
  }

  add(token: string, m: Merchant, c: Customer, i: Instrument): void {
    this.tokens.push({
      token,
      owner: m,
      scope: this.scopeOf(m),
      customer: c,
      instrument: i,
      status: "ACTIVE",
      deletion: undefined,
      extended: false,
      lastActivity: this.today(),
      recurring: undefined
    })
  }

  /** Membership change with the ACTIVE-duplicate check; returns the count moved or an error code. */
  rescope(m: Merchant, from: string, to: string): number | string {
    const moved = this.tokens.filter((t) => t.owner === m && t.scope === from)
    for (const t of moved) {
      if (t.status !== "ACTIVE") continue
      const clash = this.tokens.find((o) =>
        !moved.includes(o) && o.scope === to && o.status === "ACTIVE" && o.customer === t.customer && o.instrument === t.instrument
      )
      if (clash !== undefined) return "GROUP_MEMBERSHIP"
    }
    for (const t of moved) t.scope = to
    return moved.length
  }
}

// ---------------------------------------------------------------------------
// Running a sequence against both
// ---------------------------------------------------------------------------

type Outcome = { readonly ok: true; readonly value: any } | { readonly ok: false; readonly code: string }

const attempt = async (p: Promise<unknown>): Promise<Outcome> => {
  try {
    return { ok: true, value: await p }
  } catch (e) {
    const err = e as { _tag?: unknown; code?: unknown }
    if (err?._tag !== "TokenError") throw new Error(`not a typed error: ${String(e)}`)
    return { ok: false, code: String(err.code) }
  }
}

const describeOutcome = (o: Outcome): string => (o.ok ? "ok" : o.code)

const expectOk = (o: Outcome, step: string): any => {
  if (!o.ok) throw new Error(`${step}: expected success, got ${o.code}`)
  return o.value
}

const expectErr = (o: Outcome, code: string, step: string): void => {
  if (o.ok || o.code !== code) throw new Error(`${step}: expected ${code}, got ${describeOutcome(o)}`)
}

const step = async (vault: PromiseVault, model: Model, input: Op, label: string): Promise<void> => {
  const tokenOf = (ref: number) => model.at(ref)?.token ?? absentToken.opaque
  // Resolve "owner" to the designated token's owner (or A when there is none).
  const op = ("t" in input && input.m === "owner" ? { ...input, m: model.at(input.t)?.owner ?? "A" } : input) as Op & { m: Merchant }
  switch (op.op) {
    case "tokenize":
    case "custom": {
      const request = op.op === "custom"
        ? { ...requestFor(op.m, op.c, op.i), requestToken: op.value }
        : requestFor(op.m, op.c, op.i)
      const out = await attempt(vault.tokenize(request))
      if (model.cardExpired(op.i)) return expectErr(out, "CARD_EXPIRED", label)
      const twin = model.activeTwin(model.scopeOf(op.m), op.c, op.i)
      if (twin !== undefined && model.retained(twin)) {
        expect(expectOk(out, label).token, `${label}: the existing token`).toBe(twin.token)
        return
      }
      if (twin !== undefined) {
        // Past retention: purged on the way, as the sweep would; then the request is a fresh one, and a
        // custom value is checked against the tokens left, the purged twin's own value included.
        twin.status = "DELETED"
        twin.deletion = "RETENTION"
        twin.recurring = undefined
      }
      if (op.op === "custom") {
        const value = PREFIX[op.m] + op.value.toUpperCase()
        const taken = model.tokens.find((t) => t.token === value)
        if (taken !== undefined) {
          if (taken.instrument !== op.i || taken.status === "DELETED") return expectErr(out, "CUSTOM_TOKEN_TAKEN", label)
          if (model.canAccess(taken, op.m) && !model.retained(taken)) {
            // The card's own custom token, past retention: purged on the way, its value refused.
            taken.status = "DELETED"
            taken.deletion = "RETENTION"
            taken.recurring = undefined
            return expectErr(out, "CUSTOM_TOKEN_TAKEN", label)
          }
          if (!model.canAccess(taken, op.m)) {
            // Either answer is defensible; the dedicated test in Vault.test.ts checks the token is usable when returned.
            if (out.ok) expect(out.value.token).toBe(value)
            else expectErr(out, "CUSTOM_TOKEN_TAKEN", label)
            return
          }
          const view = expectOk(out, label)
          expect(view.token, label).toBe(value)
          return
        }
        const view = expectOk(out, label)
        expect(view.token, label).toBe(value)
        model.add(view.token, op.m, op.c, op.i)
        return
      }
      const view = expectOk(out, label)
      expect(model.tokens.some((t) => t.token === view.token), `${label}: a reissued value`).toBe(false)
      model.add(view.token, op.m, op.c, op.i)
      return
    }
    case "use": {
      const t = model.at(op.t)
      const base = { merchantId: op.m, token: tokenOf(op.t) }
      const use = op.kind === "CIT_INITIAL"
        ? { source: "CIT", mode: "INITIAL", type: "RECURRING" } as const
        : op.kind === "CIT_REPEATED"
        ? { source: "CIT", mode: "REPEATED", type: "UNSCHEDULED" } as const
        : op.kind === "MIT_WITH_ID"
        ? { source: "MIT", mode: "REPEATED", type: "RECURRING", initialTransactionId: t?.recurring ?? "0".repeat(32) } as const
        : { source: "MIT", mode: "REPEATED", type: "RECURRING" } as const
      const out = await attempt(vault.authorizeUse({ ...base, ...use }))
      if (t === undefined || !model.canAccess(t, op.m)) return expectErr(out, "TOKEN_NOT_FOUND", label)
      const block = model.useBlock(t)
      if (block !== undefined) return expectErr(out, block, label)
      if (op.kind === "MIT_WITHOUT_ID" || (op.kind === "MIT_WITH_ID" && t.recurring === undefined)) {
        return expectErr(out, "COF_NO_AGREEMENT", label)
      }
      const auth = expectOk(out, label)
      if (op.kind === "CIT_INITIAL") t.recurring = auth.transactionId
      t.lastActivity = model.today()
      return
    }
    case "suspend":
    case "resume": {
      const t = model.at(op.t)
      const out = await attempt(vault.updateStatus(op.m, tokenOf(op.t), op.op === "suspend" ? "SUSPENDED" : "ACTIVE"))
      if (t === undefined || !model.canAccess(t, op.m)) return expectErr(out, "TOKEN_NOT_FOUND", label)
      const from = op.op === "suspend" ? "ACTIVE" : "SUSPENDED"
      if (t.status !== from) return expectErr(out, "ILLEGAL_TRANSITION", label)
      if (op.op === "resume" && model.activeTwin(t.scope, t.customer, t.instrument, t) !== undefined) {
        return expectErr(out, "ILLEGAL_TRANSITION", label)
      }
      expect(expectOk(out, label).status, label).toBe(op.op === "suspend" ? "SUSPENDED" : "ACTIVE")
      t.status = op.op === "suspend" ? "SUSPENDED" : "ACTIVE"
      return
    }
    case "delete": {
      const t = model.at(op.t)
      const out = await attempt(vault.deleteToken(op.m, tokenOf(op.t)))
      if (t === undefined || !model.canAccess(t, op.m)) return expectErr(out, "TOKEN_NOT_FOUND", label)
      if (t.status === "DELETED") return expectErr(out, "TOKEN_ALREADY_DELETED", label)
      expect(expectOk(out, label).status, label).toBe("DELETED")
      t.status = "DELETED"
      t.deletion = "DEREGISTERED"
      t.recurring = undefined
      return
    }
    case "extend": {
      const t = model.at(op.t)
      const out = await attempt(vault.extendRetention(op.m, tokenOf(op.t)))
      if (t === undefined || !model.canAccess(t, op.m)) return expectErr(out, "TOKEN_NOT_FOUND", label)
      if (t.status === "DELETED") return expectErr(out, t.deletion === "RETENTION" ? "RETENTION_EXPIRED" : "TOKEN_DELETED", label)
      if (!model.retained(t)) return expectErr(out, "RETENTION_EXPIRED", label)
      t.extended = true
      expect(expectOk(out, label).retainUntil, label).toBe(model.retainUntil(t))
      return
    }
    case "check": {
      const t = model.at(op.t)
      const out = await attempt(vault.checkToken(op.m, tokenOf(op.t)))
      if (t === undefined || !model.canAccess(t, op.m)) return expectErr(out, "TOKEN_NOT_FOUND", label)
      const block = model.useBlock(t)
      expect(expectOk(out, label), label).toMatchObject({ token: t.token, valid: block === undefined, code: block ?? null })
      return
    }
    case "get": {
      const t = model.at(op.t)
      const out = await attempt(vault.getToken(op.m, tokenOf(op.t)))
      if (t === undefined || !model.canAccess(t, op.m)) return expectErr(out, "TOKEN_NOT_FOUND", label)
      const view = expectOk(out, label)
      expect(view.status, label).toBe(t.status)
      expect(view.merchantId, label).toBe(t.owner)
      if (t.status !== "DELETED") expect(view.retainUntil, `${label} retainUntil`).toBe(model.retainUntil(t))
      return
    }
    case "list": {
      const out = await attempt(vault.listByMerchant(op.m))
      const expected = model.tokens.filter((t) => t.status !== "DELETED" && model.canAccess(t, op.m)).map((t) => t.token).sort()
      expect(expectOk(out, label).map((v: { token: string }) => v.token).sort(), label).toEqual(expected)
      return
    }
    case "advance": {
      model.now += op.days * DAY
      return
    }
    case "sweep": {
      const out = await attempt(vault.sweep({ batchSize: 2 }))
      const due = model.tokens.filter((t) => t.status !== "DELETED" && !model.retained(t))
      expect(expectOk(out, label), label).toEqual({ purged: due.length, scanned: due.length })
      for (const t of due) {
        t.status = "DELETED"
        t.deletion = "RETENTION"
        t.recurring = undefined
      }
      return
    }
    case "join": {
      const out = await attempt(vault.joinGroup(GROUP, op.m, op.withTokens))
      if (model.membership.has(op.m)) return expectErr(out, "GROUP_MEMBERSHIP", label)
      const moved = op.withTokens ? model.rescope(op.m, `merchant:${op.m}`, `group:${GROUP}`) : 0
      if (typeof moved === "string") return expectErr(out, moved, label)
      expect(expectOk(out, label), label).toBe(moved)
      model.membership.set(op.m, GROUP)
      return
    }
    case "leave": {
      const out = await attempt(vault.leaveGroup(GROUP, op.m, op.takeTokens))
      if (model.membership.get(op.m) !== GROUP) return expectErr(out, "GROUP_MEMBERSHIP", label)
      const moved = op.takeTokens ? model.rescope(op.m, `group:${GROUP}`, `merchant:${op.m}`) : 0
      if (typeof moved === "string") return expectErr(out, moved, label)
      expect(expectOk(out, label), label).toBe(moved)
      model.membership.delete(op.m)
      return
    }
  }
}

/**
 * The ports: as the adapters come (the memory store's `peek` and the crypto's synchronous
 * twins, so a use that writes nothing takes the vault's synchronous path and a tokenization
 * skips the crypto's effects), or with those taken away, so every call goes through the
 * ports' effects.
 */
type Ports = "synchronous reads" | "effects only"

const portsFor = (ports: Ports) => {
  const crypto = NodeCardCrypto.make(KEYS)
  if (ports === "synchronous reads") return { crypto }
  const { peek: _peek, ...store } = MemoryTokenStore.make()
  const { fingerprintUnsafe: _fingerprintUnsafe, openUnsafe: _openUnsafe, sealUnsafe: _sealUnsafe, ...effectsOnly } = crypto
  return { crypto: effectsOnly, store }
}

const runSequence = async (ops: ReadonlyArray<Op>, ports: Ports = "synchronous reads"): Promise<void> => {
  const model = new Model()
  const vault = await createVault({ ...portsFor(ports), now: () => model.now })
  try {
    for (const m of MERCHANTS) await vault.addMerchant({ merchantId: m, prefix: PREFIX[m] })
    await vault.createGroup(GROUP)
    for (const [n, op] of ops.entries()) {
      await step(vault, model, op, `step ${n} ${JSON.stringify(op)} on ${model.today()}`)
    }
  } finally {
    await vault.close()
  }
}

describe("Vault against a model", () => {
  it(
    "[STATUS-TRANSITIONS][STATUS-DELETE-TWICE][DELETE-IRREVERSIBLE][USE-ACTIVE][USE-CARD-NOT-EXPIRED][COF-MIT-AGREEMENT][RETENTION-CARD][RETENTION-NON-CARD][RETENTION-EXTEND][RETENTION-PURGE][GROUP-ACCESS][GROUP-MEMBERSHIP][DUPLICATE-CARD][CUSTOM-TOKEN-UNIQUE] random sequences of use cases match the model, with the ports' synchronous reads and without",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 45, size: "max" }), async (ops) => {
          // Each sequence twice: uses that write nothing take the synchronous path, then every use the effectful one.
          await runSequence(ops, "synchronous reads")
          await runSequence(ops, "effects only")
        }),
        fcParams(400)
      )
    }
  )

  it("[RETENTION-PURGE][GROUP-MEMBERSHIP] a hand-written sequence through the model (sanity of the model itself)", () =>
    runSequence([
      { op: "tokenize", m: "A", c: "c1", i: "P2" },
      { op: "tokenize", m: "A", c: "c1", i: "I1" },
      { op: "use", m: "A", t: 0, kind: "CIT_INITIAL" },
      { op: "use", m: "A", t: 0, kind: "MIT_WITH_ID" },
      { op: "use", m: "A", t: 1, kind: "MIT_WITHOUT_ID" },
      { op: "join", m: "A", withTokens: true },
      { op: "join", m: "B", withTokens: false },
      { op: "use", m: "B", t: 0, kind: "MIT_WITH_ID" },
      { op: "custom", m: "B", c: "c2", i: "P1", value: "Model_Value_1" },
      { op: "custom", m: "B", c: "c1", i: "P2", value: "Model_Value_1" },
      { op: "suspend", m: "B", t: 0 },
      { op: "tokenize", m: "B", c: "c1", i: "P2" },
      { op: "resume", m: "A", t: 0 },
      { op: "leave", m: "A", takeTokens: true },
      { op: "list", m: "B" },
      { op: "advance", days: 200 },
      { op: "extend", m: "A", t: 1 },
      { op: "advance", days: 240 },
      { op: "sweep" },
      { op: "get", m: "A", t: 1 },
      { op: "advance", days: 240 },
      { op: "check", m: "B", t: 2 },
      { op: "sweep" },
      { op: "use", m: "B", t: 2, kind: "CIT_REPEATED" },
      { op: "delete", m: "A", t: 1 },
      { op: "delete", m: "A", t: 1 },
      { op: "check", m: "C", t: 9 }
    ]))

  it("[RETENTION-PURGE][CUSTOM-TOKEN-UNIQUE][DELETE-IRREVERSIBLE] a custom request whose ACTIVE twin is past retention: the twin is purged, its value refused", () =>
    runSequence([
      { op: "custom", m: "B", c: "c2", i: "I1", value: "Model_Value_2" },
      { op: "advance", days: 424 },
      { op: "custom", m: "B", c: "c2", i: "I1", value: "Model_Value_2" },
      { op: "get", m: "B", t: 0 },
      { op: "custom", m: "B", c: "c2", i: "I1", value: "Model_Value_1" },
      { op: "list", m: "B" }
    ]))

  it("[RETENTION-PURGE][CUSTOM-TOKEN-UNIQUE][DELETE-IRREVERSIBLE] the card's own custom token past retention, asked for by another customer: purged, its value refused", () =>
    runSequence([
      { op: "custom", m: "B", c: "c2", i: "I1", value: "Model_Value_2" },
      { op: "advance", days: 424 },
      { op: "custom", m: "B", c: "c1", i: "I1", value: "Model_Value_2" },
      { op: "get", m: "B", t: 0 },
      { op: "list", m: "B" }
    ]))

  it("[RETENTION-PURGE][CUSTOM-TOKEN-UNIQUE][GROUP-MEMBERSHIP] a group twin past retention is purged; a value held by another card is still refused", () =>
    runSequence([
      { op: "tokenize", m: "A", c: "c2", i: "I1" },
      { op: "join", m: "A", withTokens: true },
      { op: "join", m: "C", withTokens: false },
      { op: "custom", m: "C", c: "c1", i: "P2", value: "Model_Value_1" },
      { op: "advance", days: 424 },
      { op: "leave", m: "A", takeTokens: false },
      { op: "custom", m: "C", c: "c2", i: "I1", value: "Model_Value_1" },
      { op: "get", m: "A", t: 0 },
      { op: "sweep" }
    ]))
})
