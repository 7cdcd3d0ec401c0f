/**
 * The store suite's command generators, one list per property: record
 * commands, scope commands (merchants, groups, re-scoping), concurrent
 * commands and, for durable stores, everything plus close-and-reopen.
 *
 * @since 0.1.0
 */
import type { Merchant, TokenRecord } from "@tokenvault/core"
import * as fc from "fast-check"
import * as A from "./Arbitraries.ts"
import { BindRequestIdCommand } from "./commands/BindRequestIdCommand.ts"
import { ChangeMembershipCommand } from "./commands/ChangeMembershipCommand.ts"
import { ConcurrentBindCommand } from "./commands/ConcurrentBindCommand.ts"
import { ConcurrentIncrementCommand } from "./commands/ConcurrentIncrementCommand.ts"
import { ConcurrentInsertCommand } from "./commands/ConcurrentInsertCommand.ts"
import { ConcurrentUpdateCommand } from "./commands/ConcurrentUpdateCommand.ts"
import { CreateGroupCommand } from "./commands/CreateGroupCommand.ts"
import { DueForPurgeCommand } from "./commands/DueForPurgeCommand.ts"
import { FindByCustomerCommand } from "./commands/FindByCustomerCommand.ts"
import { FindByFingerprintCommand } from "./commands/FindByFingerprintCommand.ts"
import { GetByRequestIdCommand } from "./commands/GetByRequestIdCommand.ts"
import { GetCommand } from "./commands/GetCommand.ts"
import { GetMerchantCommand } from "./commands/GetMerchantCommand.ts"
import { GetRequestKeyCommand } from "./commands/GetRequestKeyCommand.ts"
import { HasGroupCommand } from "./commands/HasGroupCommand.ts"
import { InsertCommand } from "./commands/InsertCommand.ts"
import { ListByScopeCommand } from "./commands/ListByScopeCommand.ts"
import { ListMerchantsCommand } from "./commands/ListMerchantsCommand.ts"
import { PutMerchantCommand } from "./commands/PutMerchantCommand.ts"
import { ReopenCommand } from "./commands/ReopenCommand.ts"
import { UpdateCommand } from "./commands/UpdateCommand.ts"
import type * as Model from "./Model.ts"

/**
 * Options of a command sequence.
 *
 * @category models
 * @since 0.1.0
 */
export interface SequenceOptions {
  readonly maxCommands: number
  readonly replayPath?: string | undefined
}

type Arb = fc.Arbitrary<Model.Command>

const times = (n: number, arb: Arb): Array<Arb> => Array.from({ length: n }, () => arb)

const insert: Arb = A.record.map((r) => new InsertCommand(r))
const get: Arb = A.token.map((t) => new GetCommand(t))
const getByRequestId: Arb = fc.tuple(A.merchantId, A.requestId).map(([m, r]) => new GetByRequestIdCommand(m, r))
const update: Arb = fc
  .tuple(A.token, A.change, fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1, -3) }), A.record)
  .map(([t, c, skew, template]) => new UpdateCommand(t, c, skew, template))
const findByCustomer: Arb = fc.tuple(A.scope, A.customerId).map(([s, c]) => new FindByCustomerCommand(s, c))
const findByFingerprint: Arb = fc.tuple(A.scope, A.fingerprint).map(([s, f]) => new FindByFingerprintCommand(s, f))
const listByScope: Arb = fc.tuple(A.scope, A.pageLimit).map(([s, l]) => new ListByScopeCommand(s, l))
const dueForPurge: Arb = fc.tuple(A.date, A.pageLimit).map(([d, l]) => new DueForPurgeCommand(d, l))

const merchant: fc.Arbitrary<Merchant.Merchant> = fc.record({
  merchantId: A.merchantId,
  prefix: fc.constantFrom(...A.pools.prefixes),
  format: fc.constantFrom("registration", "standard", "custom", "opaque" as const),
  tokenization: fc.boolean(),
  luhn: fc.constantFrom("enforce", "report" as const)
})
const putMerchant: Arb = merchant.map((m) => new PutMerchantCommand(m))
const getMerchant: Arb = A.merchantId.map((m) => new GetMerchantCommand(m))
const listMerchants: Arb = fc.constant(new ListMerchantsCommand())
const createGroup: Arb = A.groupId.map((g) => new CreateGroupCommand(g))
const hasGroup: Arb = A.groupId.map((g) => new HasGroupCommand(g))
const membership: Arb = fc.tuple(A.merchantId, A.groupId, fc.boolean()).map(([m, g, c]) => new ChangeMembershipCommand(m, g, c))

// Records and membership changes crowded onto two merchants, one group, one customer and two cards, so
// re-scoping meets ACTIVE records in its target scope (and must then change nothing).
const crowdedInsert: Arb = fc
  .tuple(A.record, fc.constantFrom("m1", "m2"), fc.boolean(), fc.constantFrom("fp1", "fp2", "fp3"))
  .map(([r, merchantId, own, fingerprint]) =>
    new InsertCommand({
      ...r,
      merchantId,
      scope: own ? `merchant:${merchantId}` : "group:g1",
      customerId: "c1",
      fingerprint,
      status: "ACTIVE",
      merchantRequestId: undefined,
      requestDigest: undefined
    })
  )
const crowdedMembership: Arb = fc.tuple(fc.constantFrom("m1", "m2"), fc.boolean()).map(([m, c]) => new ChangeMembershipCommand(m, "g1", c))

const competing: Arb = fc
  .record({
    base: A.record,
    others: fc.array(A.record, { minLength: 1, maxLength: 3 }),
    on: fc.constantFrom("token", "request", "slot")
  })
  .map(({ base, on, others }) => {
    const first: TokenRecord.TokenRecord = on === "request"
      ? { ...base, merchantRequestId: base.merchantRequestId ?? "r1" }
      : on === "slot"
      ? { ...base, status: "ACTIVE", fingerprint: base.fingerprint ?? "fp1" }
      : base
    const rest = others.map((o): TokenRecord.TokenRecord =>
      on === "token"
        ? { ...o, token: first.token }
        : on === "request"
        ? { ...o, merchantId: first.merchantId, merchantRequestId: first.merchantRequestId }
        : { ...o, status: "ACTIVE", scope: first.scope, customerId: first.customerId, fingerprint: first.fingerprint }
    )
    return new ConcurrentInsertCommand([first, ...rest])
  })
const racingUpdates: Arb = fc
  .tuple(A.token, fc.array(A.change, { minLength: 2, maxLength: 4 }))
  .map(([t, cs]) => new ConcurrentUpdateCommand(t, cs))
const readModifyWrite: Arb = fc.tuple(A.token, fc.integer({ min: 2, max: 4 })).map(([t, n]) => new ConcurrentIncrementCommand(t, n))

const bind: Arb = A.requestKey.map((k) => new BindRequestIdCommand(k))
const getRequestKey: Arb = fc.tuple(A.merchantId, A.requestId).map(([m, r]) => new GetRequestKeyCommand(m, r))
// Binds of one pair to several tokens, sometimes against an insert of a record carrying the pair.
const claimingOnePair: Arb = fc
  .record({ key: A.requestKey, tokens: fc.array(A.token, { minLength: 1, maxLength: 3 }), insert: fc.option(A.record, { nil: undefined }) })
  .map(({ insert, key, tokens }) =>
    new ConcurrentBindCommand([
      { _tag: "Bind", key },
      ...tokens.map((token) => ({ _tag: "Bind" as const, key: { ...key, token, requestDigest: "digest-c" } })),
      ...(insert === undefined ? [] : [{
        _tag: "Insert" as const,
        record: { ...insert, merchantId: key.merchantId, merchantRequestId: key.merchantRequestId, requestDigest: "digest-d" }
      }])
    ])
  )

const sequence = (arbs: ReadonlyArray<Arb>, options: SequenceOptions): fc.Arbitrary<Iterable<Model.Command>> =>
  fc.commands([...arbs], {
    maxCommands: options.maxCommands,
    size: "max",
    ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath })
  })

const recordArbs: ReadonlyArray<Arb> = [
  ...times(4, insert),
  ...times(2, get),
  getByRequestId,
  ...times(4, update),
  findByCustomer,
  findByFingerprint,
  listByScope,
  dueForPurge
]

const scopeArbs: ReadonlyArray<Arb> = [
  ...times(2, insert),
  ...times(4, crowdedInsert),
  ...times(3, crowdedMembership),
  ...times(2, update),
  ...times(2, putMerchant),
  getMerchant,
  listMerchants,
  createGroup,
  hasGroup,
  ...times(3, membership),
  findByCustomer,
  listByScope,
  get
]

/**
 * Records: inserts, reads, compare-and-set updates, tombstones and every
 * indexed query.
 *
 * @category constructors
 * @since 0.1.0
 */
export const records = (options: SequenceOptions): fc.Arbitrary<Iterable<Model.Command>> => sequence(recordArbs, options)

/**
 * Scopes: merchants and prefixes, groups, membership changes and the
 * queries they affect.
 *
 * @category constructors
 * @since 0.1.0
 */
export const scopes = (options: SequenceOptions): fc.Arbitrary<Iterable<Model.Command>> => sequence(scopeArbs, options)

/**
 * What the scopes property sets up before its commands: three merchants
 * with distinct prefixes and group g1 (created through the same commands,
 * so the store is checked on the way).
 *
 * @category constructors
 * @since 0.1.0
 */
export const scopesPrelude: ReadonlyArray<Model.Command> = [
  new PutMerchantCommand({ merchantId: "m1", prefix: "AAAA", format: "registration", tokenization: true, luhn: "enforce" }),
  new PutMerchantCommand({ merchantId: "m2", prefix: "BBBB", format: "standard", tokenization: true, luhn: "enforce" }),
  new PutMerchantCommand({ merchantId: "m3", prefix: "CCCC", format: "custom", tokenization: true, luhn: "report" }),
  new CreateGroupCommand("g1")
]

/**
 * Concurrency: competing inserts, racing compare-and-sets and concurrent
 * read-modify-write loops, between plain inserts and updates.
 *
 * @category constructors
 * @since 0.1.0
 */
export const concurrent = (options: SequenceOptions): fc.Arbitrary<Iterable<Model.Command>> =>
  sequence([...times(3, insert), ...times(2, competing), ...times(2, racingUpdates), readModifyWrite, update, get], options)

/**
 * Request keys: binds (taken pairs, absent tokens), their reads, inserts
 * that meet bound pairs, tombstones, racing claims on one pair and, for
 * durable stores, close-and-reopen.
 *
 * @category constructors
 * @since 0.1.0
 */
export const requestKeys = (options: SequenceOptions): fc.Arbitrary<Iterable<Model.Command>> =>
  sequence([
    ...times(3, insert),
    ...times(2, update),
    ...times(4, bind),
    ...times(2, getRequestKey),
    getByRequestId,
    ...times(2, claimingOnePair),
    ...times(2, fc.constant(new ReopenCommand()))
  ], options)

/**
 * Durability: every record and scope command, with close-and-reopen at
 * random points.
 *
 * @category constructors
 * @since 0.1.0
 */
export const durable = (options: SequenceOptions): fc.Arbitrary<Iterable<Model.Command>> =>
  sequence([...recordArbs, ...scopeArbs, ...times(3, fc.constant(new ReopenCommand()))], options)
