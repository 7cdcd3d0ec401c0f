/**
 * Broken gateways: each wraps the built-in vault driver and breaks one
 * rule, by rewriting requests, responses or errors.
 */
import * as MemoryTokenStore from "@tokenvault/vault/MemoryTokenStore"
import { Effect } from "effect"
import type * as GatewayDriver from "../../src/GatewayDriver.ts"
import * as VaultDriver from "../../src/drivers/VaultDriver.ts"
import { addMonths } from "../../src/internal/dates.ts"
import { type Around, codeOf, type Mutant, rewriting } from "./support.ts"

const driver = (
  name: string,
  breaks: string,
  rules: ReadonlyArray<string>,
  around: (real: GatewayDriver.GatewayDriver) => Around
): Mutant => ({
  name,
  breaks,
  rules,
  target: {
    name,
    kind: "vault",
    driver: async () => {
      const real = await VaultDriver.make()
      return rewriting(real, around(real))
    }
  }
})

/** Past retention, uses and checks still pass. */
export const returnsExpiredTokens = driver(
  "returns-expired-tokens",
  "a token past its retention date can still be used and checks as valid",
  ["RETENTION-PURGE"],
  () => {
    let n = 0
    return {
      authorizeUse: (call, request) =>
        call(request).catch((e) => {
          if (codeOf(e) === "RETENTION_EXPIRED") return { token: request.token, transactionId: `expired-use-${++n}` }
          throw e
        }),
      checkToken: (call, request) =>
        call(request).then((c) => (c.code === "RETENTION_EXPIRED" ? { token: c.token, valid: true, code: null, gatewayCode: null } : c))
    }
  }
)

/** Every purge date shown is a month early (13 months instead of 14). */
export const retentionOffByOneMonth = driver(
  "retention-off-by-one-month",
  "retention dates are one month short",
  ["RETENTION-CARD", "RETENTION-NON-CARD", "RETENTION-EXTEND"],
  () => {
    const early = (v: GatewayDriver.TokenView): GatewayDriver.TokenView => ({ ...v, retainUntil: addMonths(v.retainUntil, -1) })
    return {
      tokenize: (call, r) => call(r).then(early),
      tokenizeDuringPayment: (call, r) => call(r).then((p) => ({ token: p.token === null ? null : early(p.token) })),
      getToken: (call, r) => call(r).then(early),
      listByCustomer: (call, r) => call(r).then((vs) => vs.map(early)),
      listByMerchant: (call, r) => call(r).then((vs) => vs.map(early)),
      updateStatus: (call, r) => call(r).then(early),
      updateExpiry: (call, r) => call(r).then(early),
      deleteToken: (call, r) => call(r).then(early),
      extendRetention: (call, r) => call(r).then(early)
    }
  }
)

const customValue = (requestToken: string | undefined): string | undefined => {
  if (requestToken === undefined) return undefined
  const body = requestToken.startsWith(":FORCED:") ? requestToken.slice(8) : requestToken
  return body === "MASKEDPAN" || body === "" ? undefined : body
}

/** A 9-character custom value is padded and accepted instead of refused with 1160. */
export const acceptsNineCharCustomToken = driver(
  "accepts-9-char-custom-token",
  "a 9-character custom token value is accepted",
  ["CUSTOM-TOKEN-LENGTH"],
  () => {
    const pad = <R extends GatewayDriver.TokenizeRequest>(r: R): R => {
      const v = customValue(r.requestToken)
      return v !== undefined && v.length === 9 ? { ...r, requestToken: `${r.requestToken}_` } : r
    }
    return {
      tokenize: (call, r) => call(pad(r)),
      tokenizeDuringPayment: (call, r) => call(pad(r))
    }
  }
)

/** Custom values keep the case they were sent in. */
export const caseSensitiveCustomTokens = driver(
  "case-sensitive-custom-tokens",
  "custom token values keep their case, so JOHN_SMITH_5533 and john_smith_5533 are different tokens",
  ["CUSTOM-TOKEN-CASE", "FORMAT-CUSTOM", "CUSTOM-TOKEN-UNIQUE", "IDEMPOTENCY", "DUPLICATE-CARD"],
  () => {
    const shown = new Map<string, string>()
    const real = new Map<string, string>()
    const show = (v: GatewayDriver.TokenView, requestToken: string | undefined): GatewayDriver.TokenView => {
      const value = customValue(requestToken)
      if (v.format !== "custom" || value === undefined || !v.token.endsWith(value.toUpperCase())) return v
      const token = v.token.slice(0, v.token.length - value.length) + value
      shown.set(v.token, token)
      real.set(token, v.token)
      return { ...v, token }
    }
    const out = (v: GatewayDriver.TokenView) => ({ ...v, token: shown.get(v.token) ?? v.token })
    const inn = <R extends { readonly token: string }>(r: R): R => ({ ...r, token: real.get(r.token) ?? r.token })
    return {
      tokenize: (call, r) => call(r).then((v) => show(v, r.requestToken)),
      tokenizeDuringPayment: (call, r) => call(r).then((p) => ({ token: p.token === null ? null : show(p.token, r.requestToken) })),
      getToken: (call, r) => call(inn(r)).then(out),
      deleteToken: (call, r) => call(inn(r)).then(out),
      updateStatus: (call, r) => call(inn(r)).then(out),
      listByMerchant: (call, r) => call(r).then((vs) => vs.map(out))
    }
  }
)

/** A refused tokenization says which card it refused. */
export const leaksPanInError = driver(
  "leaks-pan-in-error",
  "a refused tokenization's error message carries the card number, spaced in groups of four",
  ["NO-PAN-LEAK"],
  () => ({
    tokenize: (call, r) =>
      call(r).catch((e) => {
        const err = new Error(`tokenize refused card ${(r.pan ?? "").replace(/(\d{4})(?=\d)/g, "$1 ")}`)
        throw Object.assign(err, { code: codeOf(e), gatewayCode: (e as GatewayDriver.GatewayError).gatewayCode })
      })
  })
)

/** A deleted token can be made ACTIVE again. */
export const deletedBackToActive = driver(
  "deleted-back-to-active",
  "updateStatus(ACTIVE) brings a DELETED token back",
  ["STATUS-TRANSITIONS"],
  (real) => {
    const deleted = new Set<string>()
    const revived = new Set<string>()
    const alive = (v: GatewayDriver.TokenView) => (revived.has(v.token) ? { ...v, status: "ACTIVE" as const } : v)
    return {
      deleteToken: (call, r) => call(r).then((v) => (deleted.add(v.token), v)),
      updateStatus: (call, r) =>
        call(r).then((v) => (v.status === "DELETED" && deleted.add(v.token), v)).catch(async (e) => {
          if (codeOf(e) !== "ILLEGAL_TRANSITION" || r.status !== "ACTIVE" || !deleted.has(r.token)) throw e
          revived.add(r.token)
          return alive(await real.getToken(r))
        }),
      getToken: (call, r) => call(r).then(alive)
    }
  }
)

/** A merchant outside a token's scope is answered as the token's owner. */
export const ignoresGroupScope = driver(
  "ignores-group-scope",
  "a merchant outside a token's scope reads it through its owner",
  ["GROUP-ACCESS"],
  () => {
    const owner = new Map<string, string>()
    const learn = (v: GatewayDriver.TokenView) => {
      owner.set(v.token, v.merchantId)
      return v
    }
    return {
      tokenize: (call, r) => call(r).then(learn),
      tokenizeDuringPayment: (call, r) => call(r).then((p) => (p.token === null ? p : { token: learn(p.token) })),
      getToken: (call, r) =>
        call(r).catch((e) => {
          const o = owner.get(r.token)
          if (codeOf(e) !== "TOKEN_NOT_FOUND" || o === undefined) throw e
          return call({ ...r, merchantId: o })
        })
    }
  }
)

/** After a deletion, the next new token gets the deleted value. */
export const reissuesDeletedToken = driver(
  "reissues-deleted-token",
  "a deleted token's value is handed out again for the next new token",
  ["DELETE-IRREVERSIBLE", "TOKEN-RANDOM"],
  () => {
    const seen = new Set<string>()
    const free: Array<string> = []
    const alias = new Map<string, string>()
    const reverse = new Map<string, string>()
    const out = (v: GatewayDriver.TokenView): GatewayDriver.TokenView => {
      if (!seen.has(v.token) && !alias.has(v.token) && free.length > 0) {
        const value = free.shift()!
        alias.set(v.token, value)
        reverse.set(value, v.token)
      }
      seen.add(v.token)
      return { ...v, token: alias.get(v.token) ?? v.token }
    }
    const inn = <R extends { readonly token: string }>(r: R): R => ({ ...r, token: reverse.get(r.token) ?? r.token })
    return {
      tokenize: (call, r) => call(r).then(out),
      tokenizeDuringPayment: (call, r) => call(r).then((p) => ({ token: p.token === null ? null : out(p.token) })),
      getToken: (call, r) => call(inn(r)).then(out),
      deleteToken: (call, r) =>
        call(inn(r)).then((v) => {
          const shown = out(v)
          if (!reverse.has(shown.token)) free.push(shown.token)
          return shown
        })
    }
  }
)


/** The vault over a store that acknowledges `bindRequestId` and binds nothing (the bug of issue 3). */
export const forgetsKeyOfDuplicate: Mutant = {
  name: "forgets-key-of-duplicate",
  breaks: "a new idempotency key answered with an existing duplicate token is not bound, so a retry under it with another payload is not a conflict",
  rules: ["IDEMPOTENCY"],
  target: {
    name: "forgets-key-of-duplicate",
    kind: "vault",
    driver: () => VaultDriver.make({ store: { ...MemoryTokenStore.make(), bindRequestId: () => Effect.void } })
  }
}
