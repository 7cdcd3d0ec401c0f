/**
 * The gateway suite's command generators and the mixes each property
 * draws from: the same commands, weighted towards the rules the property
 * names.
 *
 * @since 0.1.0
 */
import * as fc from "fast-check"
import type * as GatewayDriver from "../GatewayDriver.ts"
import * as A from "./Arbitraries.ts"
import { AddMerchantCommand } from "./commands/AddMerchantCommand.ts"
import { AdvanceClockCommand } from "./commands/AdvanceClockCommand.ts"
import { AuthorizeUseCommand } from "./commands/AuthorizeUseCommand.ts"
import { BadInputCommand } from "./commands/BadInputCommand.ts"
import { CheckTokenCommand } from "./commands/CheckTokenCommand.ts"
import { CreateGroupCommand } from "./commands/CreateGroupCommand.ts"
import { DeleteTokenCommand } from "./commands/DeleteTokenCommand.ts"
import { ExtendRetentionCommand } from "./commands/ExtendRetentionCommand.ts"
import { GetTokenCommand } from "./commands/GetTokenCommand.ts"
import { JoinGroupCommand } from "./commands/JoinGroupCommand.ts"
import { LeaveGroupCommand } from "./commands/LeaveGroupCommand.ts"
import { ListByCustomerCommand } from "./commands/ListByCustomerCommand.ts"
import { ListByMerchantCommand } from "./commands/ListByMerchantCommand.ts"
import { ListOneClickCommand } from "./commands/ListOneClickCommand.ts"
import { ReplayTokenizeCommand } from "./commands/ReplayTokenizeCommand.ts"
import { SweepCommand } from "./commands/SweepCommand.ts"
import { TokenizeCommand } from "./commands/TokenizeCommand.ts"
import { TokenizeDuringPaymentCommand } from "./commands/TokenizeDuringPaymentCommand.ts"
import { UpdateExpiryCommand } from "./commands/UpdateExpiryCommand.ts"
import { UpdateStatusCommand } from "./commands/UpdateStatusCommand.ts"
import type * as Model from "./Model.ts"

type Arb = fc.Arbitrary<Model.Command>

/**
 * The command generators, by use case.
 *
 * @category constructors
 * @since 0.1.0
 */
export const arbitraries = {
  addMerchant: fc
    .tuple(fc.constantFrom(...A.merchantIds), A.merchantConfig)
    .map(([merchantId, c]): Model.Command => new AddMerchantCommand({ merchantId, ...c })),
  createGroup: A.groupId.map((g): Model.Command => new CreateGroupCommand(g)),
  joinGroup: fc.tuple(A.merchantId, A.groupId, fc.boolean()).map(([m, g, w]): Model.Command => new JoinGroupCommand(m, g, w)),
  leaveGroup: fc
    .tuple(A.merchantId, fc.oneof({ weight: 4, arbitrary: fc.constant("current") }, { weight: 1, arbitrary: A.groupId }), fc.boolean())
    .map(([m, g, t]): Model.Command => new LeaveGroupCommand(m, g, t)),
  tokenize: A.tokenizeSpec().map((s): Model.Command => new TokenizeCommand(s)),
  tokenizePlain: A.tokenizeSpec(fc.constantFrom(undefined, undefined, "MASKEDPAN")).map((s): Model.Command => new TokenizeCommand(s)),
  tokenizeCustom: A.tokenizeSpec(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...A.customValues) },
      { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_]{8,22}$/) },
      { weight: 1, arbitrary: fc.constantFrom(":FORCED:", ":FORCED:JOHN_SMITH_5533", "MASKEDPAN") }
    )
  ).map((s): Model.Command => new TokenizeCommand(s)),
  replay: fc
    .tuple(fc.nat(), fc.constantFrom("same", "same", "otherCustomer", "otherCard" as const))
    .map(([p, c]): Model.Command => new ReplayTokenizeCommand(p, c)),
  payment: fc
    .record({
      spec: A.tokenizeSpec(
        fc.constantFrom(undefined, "MASKEDPAN", ":FORCED:MASKEDPAN", "JOHN_SMITH_5533", ":FORCED:jack_jones_1234", "ABCDEFGHI")
      ),
      createRegistration: fc.boolean(),
      outcome: fc.constantFrom("AUTHORIZED", "DECLINED", "VERIFIED" as const)
    })
    .map(({ createRegistration, outcome, spec }): Model.Command => new TokenizeDuringPaymentCommand(spec, createRegistration, outcome)),
  authorizeUse: fc
    .record({
      merchantId: A.actor,
      pick: A.tokenPick,
      use: fc.oneof(
        { weight: 6, arbitrary: fc.record({ source: fc.constant("CIT" as const), mode: fc.constantFrom("INITIAL", "REPEATED" as const) }) },
        { weight: 6, arbitrary: fc.record({ source: fc.constant("MIT" as const), mode: fc.constant("REPEATED" as const) }) },
        { weight: 1, arbitrary: fc.record({ source: fc.constant("MIT" as const), mode: fc.constant("INITIAL" as const) }) }
      ),
      type: fc.constantFrom("UNSCHEDULED", "RECURRING", "INSTALLMENT" as const),
      quote: fc.constantFrom("agreement", "agreement", "agreement", "other", "none" as const)
    })
    .map(({ merchantId, pick, quote, type, use }): Model.Command =>
      new AuthorizeUseCommand(merchantId, pick, { ...use, type } as Pick<GatewayDriver.UseRequest, "source" | "mode" | "type">, quote)
    ),
  oneClick: fc.tuple(A.merchantId, fc.constantFrom("c1", "c2")).map(([m, c]): Model.Command => new ListOneClickCommand(m, c)),
  getToken: fc.tuple(A.actor, A.tokenPick).map(([m, p]): Model.Command => new GetTokenCommand(m, p)),
  listByCustomer: fc.tuple(A.merchantId, fc.constantFrom("c1", "c2")).map(([m, c]): Model.Command => new ListByCustomerCommand(m, c)),
  listByMerchant: A.merchantId.map((m): Model.Command => new ListByMerchantCommand(m)),
  updateStatus: fc
    .tuple(A.actor, A.tokenPick, fc.constantFrom("ACTIVE", "SUSPENDED", "SUSPENDED", "ACTIVE", "DELETED" as const))
    .map(([m, p, s]): Model.Command => new UpdateStatusCommand(m, p, s)),
  updateExpiry: fc
    .tuple(A.actor, A.tokenPick, fc.integer({ min: -2, max: 48 }))
    .map(([m, p, o]): Model.Command => new UpdateExpiryCommand(m, p, o)),
  checkToken: fc.tuple(A.actor, A.tokenPick).map(([m, p]): Model.Command => new CheckTokenCommand(m, p)),
  deleteToken: fc.tuple(A.actor, A.tokenPick).map(([m, p]): Model.Command => new DeleteTokenCommand(m, p)),
  extendRetention: fc.tuple(A.actor, A.tokenPick).map(([m, p]): Model.Command => new ExtendRetentionCommand(m, p)),
  sweep: fc.constant(new SweepCommand()) as Arb,
  advance: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(1, 7, 30, 31, 45, 120, 400).map((days): Model.Command => new AdvanceClockCommand({ days })) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 26 }).map((months): Model.Command => new AdvanceClockCommand({ months })) }
  ),
  badInput: fc
    .tuple(A.merchantId, fc.nat(), fc.constantFrom("spaced", "dashed", "letter", "extraDigit", "expiry" as const))
    .map(([m, i, h]): Model.Command => new BadInputCommand(m, i, h))
} satisfies Record<string, Arb>

/**
 * A command mix: each command's generator with its weight.
 *
 * @category models
 * @since 0.1.0
 */
export type Mix = Partial<Record<keyof typeof arbitraries, number>>

/**
 * The mixes of the gateway properties.
 *
 * @category models
 * @since 0.1.0
 */
export const mixes = {
  formats: { tokenizePlain: 6, addMerchant: 1, getToken: 1, listByMerchant: 1 },
  custom: { tokenizeCustom: 6, tokenize: 1, deleteToken: 1, getToken: 1, updateStatus: 1, replay: 1 },
  payment: { payment: 6, tokenize: 1, getToken: 1, listByMerchant: 1, deleteToken: 1 },
  lifecycle: {
    tokenize: 4,
    replay: 2,
    authorizeUse: 3,
    updateStatus: 3,
    deleteToken: 1,
    updateExpiry: 1,
    checkToken: 1,
    getToken: 1,
    listByCustomer: 1,
    oneClick: 1,
    advance: 1
  },
  retention: {
    tokenize: 3,
    authorizeUse: 2,
    extendRetention: 2,
    updateExpiry: 1,
    checkToken: 2,
    sweep: 2,
    advance: 3,
    getToken: 2,
    oneClick: 1,
    deleteToken: 1
  },
  groups: {
    tokenize: 3,
    joinGroup: 2,
    leaveGroup: 2,
    createGroup: 1,
    getToken: 3,
    authorizeUse: 1,
    updateStatus: 1,
    deleteToken: 1,
    listByMerchant: 2,
    listByCustomer: 1,
    oneClick: 1,
    checkToken: 1
  },
  leak: {
    tokenize: 3,
    badInput: 3,
    payment: 1,
    replay: 1,
    authorizeUse: 2,
    getToken: 1,
    listByCustomer: 1,
    oneClick: 1,
    updateStatus: 1,
    updateExpiry: 1,
    checkToken: 1,
    deleteToken: 1,
    extendRetention: 1,
    sweep: 1,
    advance: 1,
    joinGroup: 1,
    leaveGroup: 1
  }
} satisfies Record<string, Mix>

/**
 * A command sequence drawn from a mix.
 *
 * @category constructors
 * @since 0.1.0
 */
export const sequence = (
  mix: Mix,
  options: { readonly maxCommands: number; readonly replayPath?: string | undefined },
  wrap?: (command: Model.Command) => Model.Command
): fc.Arbitrary<Iterable<Model.Command>> =>
  fc.commands(
    Object.entries(mix).flatMap(([name, weight]) => {
      const arb = arbitraries[name as keyof typeof arbitraries]
      return Array.from({ length: weight }, () => (wrap === undefined ? arb : arb.map(wrap)))
    }),
    { maxCommands: options.maxCommands, size: "max", ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath }) }
  )
