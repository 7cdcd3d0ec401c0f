/**
 * The journal's operations and their decoding. Record operations (by far the
 * most frequent) are binary (`recordCodec.ts`): an operation byte, then
 * the records. The rest are JSON objects (their first byte is `{`), and every
 * decoded JSON value is checked against a schema, so a payload whose checksum
 * is good but whose shape is wrong (a writer bug, a foreign file) is
 * corruption, never a half-read operation.
 *
 * | byte | operation | then |
 * |---|---|---|
 * | `0x01` | insert | one record |
 * | `0x02` | update (compare-and-set; a tombstone is an update) | one record |
 * | `0x03` | snapshot: records | one or more records, to the end of the payload (one string table) |
 *
 * | `o` | operation | fields |
 * |---|---|---|
 * | `pm` | put merchant | `m`: merchant |
 * | `g` | create group | `g`: group id |
 * | `mt` | membership change, continued: more re-scoped tokens | `t`: tokens |
 * | `m` | membership change (applies the change and all `mt` before it) | `c`: change, `t`: tokens, `n`: total |
 * | `k` | bind a request key to a token (format 3) | `k`: key |
 * | `sg` | snapshot: groups | `g`: group ids |
 * | `sm` | snapshot: merchants with their group | `m`: merchant entries |
 * | `sk` | snapshot: bound request keys (format 3) | `k`: keys |
 * | `se` | snapshot end | `g`, `m`, `r`, and (format 3) `k`: counts |
 *
 * @internal
 */
import type { Group, Merchant, TokenRecord } from "@tokenvault/core"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { Schema } from "effect"
import { CodecError, Reader, type Writer } from "./recordCodec.ts"

/** Operation bytes of the binary record operations. */
export const INSERT = 0x01
export const UPDATE = 0x02
export const RECORDS = 0x03
/** The first byte of a JSON operation. */
export const JSON_OP = 0x7b

const MerchantJson = Schema.Struct({
  merchantId: Schema.String,
  prefix: Schema.String,
  format: Schema.Literals(["registration", "standard", "custom", "opaque"]),
  tokenization: Schema.Boolean,
  luhn: Schema.Literals(["enforce", "report"])
})

const MerchantEntryJson = Schema.Struct({
  merchantId: Schema.String,
  prefix: Schema.String,
  format: Schema.Literals(["registration", "standard", "custom", "opaque"]),
  tokenization: Schema.Boolean,
  luhn: Schema.Literals(["enforce", "report"]),
  groupId: Schema.NullOr(Schema.String)
})

const Scope = Schema.String.check(Schema.isPattern(/^(merchant|group):/))

const ChangeJson = Schema.Struct({
  merchantId: Schema.String,
  groupId: Schema.NullOr(Schema.String),
  rescope: Schema.NullOr(Schema.Struct({ owner: Schema.String, from: Scope, to: Scope }))
})

const Count = Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(0))

/** A bound request key: merchant, request id, token, digest (`null` for none). */
const KeyJson = Schema.Struct({ m: Schema.String, r: Schema.String, t: Schema.String, d: Schema.NullOr(Schema.String) })

const members = {
  pm: Schema.Struct({ o: Schema.Literal("pm"), m: MerchantJson }),
  g: Schema.Struct({ o: Schema.Literal("g"), g: Schema.String }),
  mt: Schema.Struct({ o: Schema.Literal("mt"), t: Schema.Array(Schema.String) }),
  m: Schema.Struct({ o: Schema.Literal("m"), c: ChangeJson, t: Schema.Array(Schema.String), n: Count }),
  sg: Schema.Struct({ o: Schema.Literal("sg"), g: Schema.Array(Schema.String) }),
  k: Schema.Struct({ o: Schema.Literal("k"), k: KeyJson }),
  sm: Schema.Struct({ o: Schema.Literal("sm"), m: Schema.Array(MerchantEntryJson) }),
  sk: Schema.Struct({ o: Schema.Literal("sk"), k: Schema.Array(KeyJson) }),
  se: Schema.Struct({ o: Schema.Literal("se"), g: Count, m: Count, r: Count, k: Schema.optionalKey(Count) })
} as const

/** A decoded operation. */
export type Op = (typeof members)[keyof typeof members]["Type"]

// One checker per operation, picked by its tag (faster than trying a union's members in turn).
const checkers: { readonly [K in keyof typeof members]: (u: unknown) => boolean } = {
  pm: Schema.is(members.pm),
  g: Schema.is(members.g),
  mt: Schema.is(members.mt),
  m: Schema.is(members.m),
  k: Schema.is(members.k),
  sg: Schema.is(members.sg),
  sm: Schema.is(members.sm),
  sk: Schema.is(members.sk),
  se: Schema.is(members.se)
}

const isOp = (u: unknown): u is Op => {
  if (typeof u !== "object" || u === null) return false
  const tag = (u as { readonly o?: unknown }).o
  return typeof tag === "string" && Object.hasOwn(checkers, tag) && checkers[tag as keyof typeof checkers](u)
}

/** Parses and checks one payload's JSON; `undefined` when it is not a valid operation. */
export const decode = (json: string): Op | undefined => {
  let u: unknown
  try {
    u = JSON.parse(json)
  } catch {
    return undefined
  }
  return isOp(u) ? u : undefined
}

/** An insert or update payload of one record. */
export const record = (w: Writer, op: typeof INSERT | typeof UPDATE, r: TokenRecord.TokenRecord): Buffer => {
  w.reset()
  w.byte(op)
  w.record(r)
  return w.take()
}

/** The size of an insert or update payload of one record, without copying it out (`w` is left reset). */
export const recordSize = (w: Writer, r: TokenRecord.TokenRecord): number => {
  w.reset()
  try {
    w.byte(UPDATE)
    w.record(r)
    return w.length
  } finally {
    w.reset()
  }
}

/** Starts a snapshot frame of records: then `w.record(r)` each, and `w.take()`. */
export const startRecords = (w: Writer): void => {
  w.reset()
  w.byte(RECORDS)
}

/**
 * The records of a binary operation (`bytes[at, end)` starts with its operation byte); `undefined` when it does not
 * decode exactly. Pass `reader` to reuse one (recovery decodes a million frames).
 */
export const decodeRecords = (
  bytes: Buffer,
  at: number,
  end: number,
  reader?: Reader
): { readonly op: number; readonly records: Array<TokenRecord.TokenRecord> } | undefined => {
  try {
    const r = reader === undefined ? new Reader(bytes, at, end) : reader.reset(bytes, at, end)
    const op = r.byte()
    if (op !== INSERT && op !== UPDATE && op !== RECORDS) return undefined
    const records: Array<TokenRecord.TokenRecord> = [r.record()]
    if (op === RECORDS) while (!r.done) records.push(r.record())
    return r.done ? { op, records } : undefined
  } catch (e) {
    if (e instanceof CodecError) return undefined
    throw e
  }
}

const merchantFields = (m: Merchant.Merchant) => ({
  merchantId: m.merchantId,
  prefix: m.prefix,
  format: m.format,
  tokenization: m.tokenization,
  luhn: m.luhn
})

export const putMerchant = (m: Merchant.Merchant): string => JSON.stringify({ o: "pm", m: merchantFields(m) })
export const createGroup = (groupId: string): string => JSON.stringify({ o: "g", g: groupId })

const changeJson = (c: TokenStore.MembershipChange) => ({
  merchantId: c.merchantId,
  groupId: c.groupId ?? null,
  rescope: c.rescope === undefined ? null : { owner: c.rescope.owner, from: c.rescope.from, to: c.rescope.to }
})

/**
 * A membership change as one or more payloads: `mt` continuations while the
 * token list does not fit, then the `m` that applies everything.
 */
export const membership = (change: TokenStore.MembershipChange, tokens: ReadonlyArray<string>, maxJsonBytes: number): Array<string> => {
  const head = JSON.stringify({ o: "m", c: changeJson(change), t: [] as Array<string>, n: tokens.length })
  const out: Array<string> = []
  let chunk: Array<string> = []
  // Room for the tokens in a frame: the fixed part, plus per token its JSON string and a comma.
  let room = maxJsonBytes - head.length - 16
  for (const t of tokens) {
    const cost = Buffer.byteLength(JSON.stringify(t)) + 1
    if (cost > room && chunk.length > 0) {
      out.push(JSON.stringify({ o: "mt", t: chunk }))
      chunk = []
      room = maxJsonBytes - head.length - 16
    }
    chunk.push(t)
    room -= cost
  }
  out.push(JSON.stringify({ o: "m", c: changeJson(change), t: chunk, n: tokens.length }))
  return out
}

/** Decodes a membership change's JSON. */
export const changeFromJson = (c: typeof ChangeJson.Type): TokenStore.MembershipChange => ({
  merchantId: c.merchantId,
  groupId: c.groupId ?? undefined,
  rescope: c.rescope === null ? undefined : c.rescope as Group.Rescope
})

/** Decodes a merchant's JSON. */
export const merchantFromJson = (m: typeof MerchantJson.Type): Merchant.Merchant => ({ ...m })

export const snapshotGroups = (groups: ReadonlyArray<string>): string => JSON.stringify({ o: "sg", g: groups })

export const snapshotMerchants = (merchants: ReadonlyArray<TokenStore.MerchantEntry>): string =>
  JSON.stringify({ o: "sm", m: merchants.map((m) => ({ ...merchantFields(m), groupId: m.groupId ?? null })) })


const keyJson = (k: TokenStore.RequestKey) => ({ m: k.merchantId, r: k.merchantRequestId, t: k.token, d: k.requestDigest ?? null })

/** Decodes a bound request key's JSON. */
export const keyFromJson = (k: typeof KeyJson.Type): TokenStore.RequestKey => ({
  merchantId: k.m,
  merchantRequestId: k.r,
  token: k.t,
  requestDigest: k.d ?? undefined
})

export const bindKey = (key: TokenStore.RequestKey): string => JSON.stringify({ o: "k", k: keyJson(key) })

export const snapshotKeys = (keys: ReadonlyArray<TokenStore.RequestKey>): string => JSON.stringify({ o: "sk", k: keys.map(keyJson) })

export const snapshotEnd = (groups: number, merchants: number, records: number, keys: number): string =>
  JSON.stringify({ o: "se", g: groups, m: merchants, r: records, k: keys })
