/**
 * What the mutants are made of: a memory store whose contents can be
 * rewritten behind its back (to forget or replace a record), and a driver
 * wrapper that rewrites requests, responses and errors.
 */
import type { TokenRecord } from "@tokenvault/core"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import * as MemoryTokenStore from "@tokenvault/vault/MemoryTokenStore"
import { Effect } from "effect"
import type * as GatewayDriver from "../../src/GatewayDriver.ts"
import type * as Runner from "../../src/Runner.ts"
import { load, type Tracked, tracking } from "../fixtures/StoreState.ts"

/** A deliberately broken store or driver, and the rules that must catch it. */
export interface Mutant {
  readonly name: string
  /** What is broken, in one sentence. */
  readonly breaks: string
  /** The suite must fail at least one of these rules. */
  readonly rules: ReadonlyArray<string>
  readonly target: Runner.Target
}

/** A memory store that can drop a record from its state (as no real store may). */
export interface Rewritable {
  readonly current: () => TokenStore.Service
  readonly drop: (token: string) => Effect.Effect<void, TokenStore.TokenStoreError>
  readonly knownScopes: () => ReadonlyArray<string>
  readonly knownTokens: () => ReadonlyArray<string>
}

/** A memory store that can be rewritten, and a service over it whose methods `override` may replace. */
export const rewritable = (
  override: (r: Rewritable) => Partial<TokenStore.Service>,
  options: MemoryTokenStore.Options = {}
): TokenStore.Service => {
  let tracked: Tracked = tracking(MemoryTokenStore.make(options))
  const scopes = new Set<string>()
  const tokens = new Set<string>()
  const r: Rewritable = {
    current: () => tracked.service,
    knownScopes: () => Array.from(scopes),
    knownTokens: () => Array.from(tokens),
    drop: (token) =>
      Effect.gen(function*() {
        const state = yield* tracked.dump
        const next = {
          ...state,
          records: state.records.filter((rec) => rec.token !== token),
          requestKeys: state.requestKeys.filter((k) => k.token !== token)
        }
        tracked = tracking(load(next, options), next)
      })
  }
  const delegate: TokenStore.Service = {
    get capabilities() {
      return tracked.service.capabilities
    },
    insert: (record: TokenRecord.TokenRecord) => {
      scopes.add(record.scope)
      tokens.add(record.token)
      return tracked.service.insert(record)
    },
    get: (t) => tracked.service.get(t),
    getByRequestId: (m, id) => tracked.service.getByRequestId(m, id),
    bindRequestId: (key) => tracked.service.bindRequestId(key),
    getRequestKey: (m, id) => tracked.service.getRequestKey(m, id),
    update: (next) => {
      scopes.add(next.scope)
      return tracked.service.update(next)
    },
    findByCustomer: (s, c) => tracked.service.findByCustomer(s, c),
    findByFingerprint: (s, f) => tracked.service.findByFingerprint(s, f),
    listByScope: (s, p) => tracked.service.listByScope(s, p),
    dueForPurge: (d, p) => tracked.service.dueForPurge(d, p),
    getMerchant: (m) => tracked.service.getMerchant(m),
    putMerchant: (m) => tracked.service.putMerchant(m),
    listMerchants: () => tracked.service.listMerchants(),
    createGroup: (g) => tracked.service.createGroup(g),
    hasGroup: (g) => tracked.service.hasGroup(g),
    changeMembership: (c) => tracked.service.changeMembership(c),
    close: () => tracked.service.close()
  }
  return { ...delegate, ...override(r), capabilities: delegate.capabilities }
}

type Method = Exclude<keyof GatewayDriver.GatewayDriver, "name">

/** How a driver mutant rewrites one method: around the real call. */
export type Around = {
  readonly [K in Method]?: (
    call: GatewayDriver.GatewayDriver[K],
    ...args: Parameters<GatewayDriver.GatewayDriver[K]>
  ) => ReturnType<GatewayDriver.GatewayDriver[K]>
}

/** A driver whose methods `around` rewrites. */
export const rewriting = (driver: GatewayDriver.GatewayDriver, around: Around): GatewayDriver.GatewayDriver => {
  const out: Record<string, unknown> = { name: `${driver.name} (mutant)` }
  for (const [name, fn] of Object.entries(driver)) {
    if (typeof fn !== "function") continue
    const call = (fn as (...a: Array<unknown>) => unknown).bind(driver)
    const wrap = (around as Record<string, ((c: unknown, ...a: Array<unknown>) => unknown) | undefined>)[name]
    out[name] = wrap === undefined ? call : (...args: Array<unknown>) => wrap(call, ...args)
  }
  return out as unknown as GatewayDriver.GatewayDriver
}

/** The error code of a rejection, if it has one. */
export const codeOf = (e: unknown): string | undefined =>
  typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "string" ? (e as { code: string }).code : undefined
