/**
 * Shared test support for the file store: records, temp directories, a full
 * state dump to compare a store with the memory model, and fast-check
 * settings with a printed seed.
 */
import type { Group, IsoDate, TokenRecord } from "@tokenvault/core"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { Effect } from "effect"
import fc from "fast-check"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const integerFromEnv = (name: string): number | undefined => {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === "") return undefined
  const n = Number(raw)
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer`)
  return n
}

/** The fast-check seed of this run: `FC_SEED`, else generated (and printed). */
export const seed: number = integerFromEnv("FC_SEED") ?? Date.now() % 2_147_483_647
/** Runs per property (`FC_NUM_RUNS`, default `fallback`). */
export const numRuns = (fallback: number): number => Math.max(1, integerFromEnv("FC_NUM_RUNS") ?? fallback)

console.log(`[fast-check] store-file seed=${seed} (replay: FC_SEED=${seed} pnpm vitest run --config packages/store-file/vitest.config.ts)`)

export { fc }
export { merchant, prng, record } from "./records.ts"

const roots: Array<string> = []

/** A fresh temp directory, removed by {@link cleanup}. */
export const tempDir = (label = "store"): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `tv-file-${label}-`))
  roots.push(d)
  return d
}

/** Removes every temp directory this file made. */
export const cleanup = (): void => {
  for (const d of roots.splice(0)) fs.rmSync(d, { recursive: true, force: true })
}

/** Runs an effect. */
export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)

/** Runs an effect that must fail; returns its error. */
export const failureOf = <A, E>(effect: Effect.Effect<A, E>): Promise<E> => Effect.runPromise(Effect.flip(effect))

/** The reason tag of a store error, or "ok". */
export const outcome = async <A>(effect: Effect.Effect<A, TokenStore.TokenStoreError>): Promise<string> => {
  const r = await Effect.runPromise(Effect.result(effect))
  return r._tag === "Success" ? "ok" : r.failure.reason._tag
}

/** Everything observable through the port about a universe of ids, in a comparable form. */
export interface Dump {
  readonly records: ReadonlyArray<TokenRecord.TokenRecord | undefined>
  readonly byRequest: ReadonlyArray<TokenRecord.TokenRecord | undefined>
  readonly keys: ReadonlyArray<TokenStore.RequestKey | undefined>
  readonly merchants: ReadonlyArray<TokenStore.MerchantEntry>
  readonly groups: ReadonlyArray<boolean>
  readonly scopes: ReadonlyArray<ReadonlyArray<string>>
  readonly customers: ReadonlyArray<ReadonlyArray<string>>
  readonly fingerprints: ReadonlyArray<ReadonlyArray<string>>
  readonly due: ReadonlyArray<string>
}

/** The ids a dump looks at. */
export interface Universe {
  readonly tokens: ReadonlyArray<string>
  readonly requests: ReadonlyArray<readonly [string, string]>
  readonly merchants: ReadonlyArray<string>
  readonly groups: ReadonlyArray<string>
  readonly customers: ReadonlyArray<string>
  readonly fingerprints: ReadonlyArray<string>
}

const allPages = (f: (cursor: string | undefined) => Effect.Effect<TokenStore.Page<TokenRecord.TokenRecord>, TokenStore.TokenStoreError>) =>
  Effect.gen(function*() {
    const out: Array<string> = []
    let cursor: string | undefined = undefined
    for (;;) {
      const page: TokenStore.Page<TokenRecord.TokenRecord> = yield* f(cursor)
      for (const r of page.items) out.push(`${r.token}@${r.version}`)
      if (page.cursor === undefined) return out
      cursor = page.cursor
    }
  })

/** Dumps a store's observable state over `u` (pages of 3, so cursors are exercised). */
export const dump = (store: TokenStore.Service, u: Universe): Effect.Effect<Dump, TokenStore.TokenStoreError> =>
  Effect.gen(function*() {
    const scopes = [...u.merchants.map((m) => `merchant:${m}` as Group.Scope), ...u.groups.map((g) => `group:${g}` as Group.Scope)]
    const records = yield* Effect.forEach(u.tokens, (t) => store.get(t))
    const byRequest = yield* Effect.forEach(u.requests, ([m, r]) => store.getByRequestId(m, r))
    const keys = yield* Effect.forEach(u.requests, ([m, r]) => store.getRequestKey(m, r))
    const merchants = yield* store.listMerchants()
    const groups = yield* Effect.forEach(u.groups, (g) => store.hasGroup(g))
    const scopePages = yield* Effect.forEach(scopes, (s) => allPages((cursor) => store.listByScope(s, { limit: 3, cursor })))
    const customers = yield* Effect.forEach(
      scopes.flatMap((s) => u.customers.map((c) => [s, c] as const)),
      ([s, c]) => Effect.map(store.findByCustomer(s, c), (rs) => rs.map((r) => `${r.token}@${r.version}`))
    )
    const fingerprints = yield* Effect.forEach(
      scopes.flatMap((s) => u.fingerprints.map((f) => [s, f] as const)),
      ([s, f]) => Effect.map(store.findByFingerprint(s, f), (rs) => rs.map((r) => `${r.token}@${r.version}`))
    )
    const due = yield* allPages((cursor) => store.dueForPurge("2099-12-31" as IsoDate.IsoDate, { limit: 3, cursor }))
    return { records, byRequest, keys, merchants, groups, scopes: scopePages, customers, fingerprints, due }
  })

/** Every file's bytes in a directory, concatenated per file. */
export const directoryBytes = (dir: string): Array<{ readonly name: string; readonly bytes: Buffer }> =>
  fs.readdirSync(dir).map((name) => ({ name, bytes: fs.readFileSync(path.join(dir, name)) }))

/** The names of the strings found anywhere in the directory's files. */
export const foundIn = (dir: string, needles: ReadonlyArray<string>): Array<string> => {
  const files = directoryBytes(dir)
  return needles.filter((n) => files.some((f) => f.bytes.includes(Buffer.from(n, "utf8"))))
}

/** The journal file of a store directory (the newest generation). */
export const journalFile = (dir: string): string => {
  const names = fs.readdirSync(dir).filter((n) => /^journal-\d{10}\.tvj$/.test(n)).sort()
  return path.join(dir, names[names.length - 1]!)
}

/** Copies a directory's files into a fresh temp directory (no LOCK). */
export const copyDir = (from: string, label = "copy"): string => {
  const to = tempDir(label)
  for (const name of fs.readdirSync(from)) {
    if (name === "LOCK") continue
    fs.copyFileSync(path.join(from, name), path.join(to, name))
  }
  return to
}
