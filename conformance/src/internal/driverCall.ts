/**
 * Calling a gateway driver and checking the outcome: a value, or a
 * rejection whose `code` is one of the allowed ones and whose `gatewayCode`
 * is the one that code carries. Errors are matched by code, never by
 * message.
 */
import { TokenError } from "@tokenvault/core"
import { isGatewayError } from "../GatewayDriver.ts"
import { Mismatch } from "./assert.ts"

/** An allowed rejection: a code and the gateway codes it may carry (`null` for none). */
export interface Expected {
  readonly code: string
  readonly gatewayCodes: ReadonlyArray<string | null>
}

/** The gateway code the catalogue gives a code (ACI's first, then Axerve's). */
export const gatewayCodeOf = (code: string): string | null => {
  const entry = (TokenError.catalogue as Record<string, { readonly aci?: string; readonly axerve?: string } | undefined>)[code]
  return entry?.aci ?? entry?.axerve ?? null
}

/** An expected rejection with the catalogue's gateway code. */
export const rejection = (code: string): Expected => ({ code, gatewayCodes: [gatewayCodeOf(code)] })

/** What a call did. */
export type Settled<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: unknown }

/** Calls and records the outcome; never throws. */
export const settle = async <A>(thunk: () => Promise<A>): Promise<Settled<A>> => {
  try {
    return { ok: true, value: await thunk() }
  } catch (error) {
    return { ok: false, error }
  }
}

const show = (s: Settled<unknown>): string =>
  s.ok
    ? `success ${JSON.stringify(s.value)}`
    : isGatewayError(s.error)
    ? `${s.error.code}${s.error.gatewayCode == null ? "" : ` (${s.error.gatewayCode})`}`
    : `an error without a code (${s.error instanceof Error ? s.error.name : typeof s.error})`

const showExpected = (allowed: ReadonlyArray<Expected>): string =>
  allowed.map((e) => `${e.code}${e.gatewayCodes.every((g) => g === null) ? "" : ` (${e.gatewayCodes.filter((g) => g !== null).join(" or ")})`}`)
    .join(" or ")

/** Requires success; returns the value. */
export const expectOk = async <A>(what: string, thunk: () => Promise<A>, rules?: ReadonlyArray<string>): Promise<A> => {
  const s = await settle(thunk)
  if (!s.ok) throw new Mismatch(`${what}: expected success, got ${show(s)}`, rules)
  return s.value
}

/** Requires a settled call to be one of the allowed rejections. */
export const checkRejection = (what: string, s: Settled<unknown>, allowed: ReadonlyArray<Expected>, rules?: ReadonlyArray<string>): void => {
  const e = s.ok ? undefined : s.error
  const match = isGatewayError(e) &&
    allowed.some((a) => a.code === e.code && a.gatewayCodes.includes(e.gatewayCode ?? null))
  if (!match) throw new Mismatch(`${what}: expected ${showExpected(allowed)}, got ${show(s)}`, rules)
}
