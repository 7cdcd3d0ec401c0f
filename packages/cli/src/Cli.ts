/**
 * The `tokenvault` command, built with `effect/cli`: every vault use case as
 * a subcommand over a vault directory, key management, store compaction and
 * the conformance kit's runner.
 *
 * **Global options** (before or after the subcommand)
 *
 * - `--vault DIR`: the vault directory (default `$TOKENVAULT_DIR`, else `./.tokenvault`)
 * - `--json`: one JSON document on stdout; failures as JSON on stderr
 * - `--now ISO-8601`: run as of that instant (a fixed clock)
 * - `--store URL`: `file` (default) or a `postgres://` URL (default `$TOKENVAULT_STORE`)
 *
 * **Card data**
 *
 * Card numbers are read from standard input only. An argument that looks
 * like a card number anywhere in argv makes the CLI refuse to run (exit 2)
 * without echoing it; no output ever contains a card number.
 *
 * @since 0.1.0
 */
import type { TokenFormat, TokenStatus } from "@tokenvault/core"
import type { Vault } from "@tokenvault/vault"
import * as EncryptedTokenize from "@tokenvault/vault/EncryptedTokenize"
import * as Keyring from "@tokenvault/vault/Keyring"
import { Cause, DateTime, Effect, Exit, Layer, Option, Redacted } from "effect"
import { Argument, CliOutput, Command, Flag } from "effect/cli"
import * as ArgvGuard from "./ArgvGuard.ts"
import * as CliFailure from "./CliFailure.ts"
import * as Conformance from "./Conformance.ts"
import { type Printed, printFailure, printResult } from "./internal/output.ts"
import * as Platform from "./internal/platform.ts"
import * as Progress from "./internal/progress.ts"
import * as Render from "./internal/render.ts"
import { readSecret } from "./internal/stdin.ts"
import * as VaultDir from "./VaultDir.ts"

/**
 * The CLI's version.
 *
 * @category models
 * @since 0.1.0
 */
export const version = "0.1.0"

// ---------------------------------------------------------------------------
// Global options
// ---------------------------------------------------------------------------

const root = Command.make("tokenvault").pipe(
  Command.withSharedFlags({
    vault: Flag.String("vault").pipe(
      Flag.withMetavar("DIR"),
      Flag.withDescription("The vault directory (default $TOKENVAULT_DIR, else ./.tokenvault)"),
      Flag.optional
    ),
    json: Flag.Boolean("json").pipe(
      Flag.withDescription("Machine output: one JSON document on stdout, failures as JSON on stderr"),
      Flag.withDefault(false)
    ),
    now: Flag.String("now").pipe(
      Flag.withMetavar("ISO-8601"),
      Flag.withDescription("Run as of this instant (a fixed clock) instead of the real time"),
      Flag.optional
    ),
    store: Flag.String("store").pipe(
      Flag.withMetavar("URL"),
      Flag.withDescription("The token store: file (default) or a postgres:// URL (default $TOKENVAULT_STORE)"),
      Flag.optional
    )
  }),
  Command.withDescription("tokenvault: payment-card tokenization from the command line")
)

interface Globals {
  readonly dir: string
  readonly json: boolean
  readonly now: number | undefined
  readonly store: string | undefined
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/

/**
 * Parses a `--now` value: an ISO-8601 date or date-time (a date alone is
 * midnight UTC; a date-time without an offset is UTC).
 *
 * @category decoding
 * @since 0.1.0
 */
export const parseNow = (text: string): number | undefined => {
  const trimmed = text.trim()
  if (!ISO_INSTANT.test(trimmed)) return undefined
  const normalized = /T|\s/.test(trimmed) && !/(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) ? `${trimmed.replace(" ", "T")}Z` : trimmed
  const ms = Date.parse(normalized)
  return Number.isFinite(ms) ? ms : undefined
}

const globals: Effect.Effect<Globals, CliFailure.CliFailure, Command.CommandContext<"tokenvault">> = Effect.gen(function*() {
  const g = yield* root
  let now: number | undefined
  if (Option.isSome(g.now)) {
    now = parseNow(g.now.value)
    if (now === undefined) return yield* CliFailure.usage("--now must be an ISO-8601 date or date-time, e.g. 2030-01-31T12:00:00Z.")
  }
  const store = yield* VaultDir.resolveStore(Option.getOrUndefined(g.store))
  return { dir: VaultDir.resolveDir(Option.getOrUndefined(g.vault)), json: g.json, now, store }
})

/** Runs `f` on the opened vault and prints its result. */
const withVault = (f: (home: VaultDir.Home, g: Globals) => Effect.Effect<Printed, unknown>) =>
  Effect.gen(function*() {
    const g = yield* globals
    const printed = yield* Effect.scoped(
      Effect.flatMap(VaultDir.open({ dir: g.dir, store: g.store, now: g.now }), (home) => f(home, g))
    )
    printResult(printed, g.json)
  })

const withProgress = <A, E, R>(label: string, f: (progress: Progress.Progress) => Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(Effect.sync(() => Progress.make(label)), f, (p) => Effect.sync(() => p.done()))

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

const expiryText = (v: Vault.TokenView): string =>
  v.expiryMonth === null || v.expiryYear === null ? "-" : `${String(v.expiryMonth).padStart(2, "0")}/${v.expiryYear}`

/** Exactly the token output's keys, whatever else a view may carry. */
const tokenJson = (v: Vault.TokenView): Vault.TokenView => ({
  token: v.token,
  merchantId: v.merchantId,
  customerId: v.customerId,
  maskedPan: v.maskedPan,
  brand: v.brand,
  expiryMonth: v.expiryMonth,
  expiryYear: v.expiryYear,
  status: v.status,
  retainUntil: v.retainUntil,
  format: v.format
})

const tokenPrinted = (v: Vault.TokenView): Printed => ({
  json: tokenJson(v),
  human: (p) =>
    Render.keyValue(p, [
      ["token", p.bold(v.token)],
      ["merchant", v.merchantId],
      ["customer", Render.cell(v.customerId)],
      ["card", `${v.maskedPan}${v.brand === null ? "" : ` (${v.brand})`}`],
      ["expiry", expiryText(v)],
      ["status", Render.status(p, v.status)],
      ["retain until", v.retainUntil],
      ["format", v.format]
    ])
})

const tokensPrinted = (vs: ReadonlyArray<Vault.TokenView>): Printed => ({
  json: vs.map(tokenJson),
  human: (p) =>
    vs.length === 0 ? p.dim("No tokens.") : Render.table(
      p,
      ["TOKEN", "CUSTOMER", "CARD", "BRAND", "EXPIRY", "STATUS", "RETAIN UNTIL", "FORMAT"],
      vs.map((v) => [
        v.token,
        Render.cell(v.customerId),
        v.maskedPan,
        Render.cell(v.brand),
        expiryText(v),
        Render.status(p, v.status),
        v.retainUntil,
        v.format
      ])
    )
})

const objectPrinted = (o: unknown, title?: string): Printed => ({
  json: o,
  human: (p) => {
    const body = typeof o === "object" && o !== null && !Array.isArray(o)
      ? Render.keyValue(p, Object.entries(o).map(([k, v]) => [k, Render.cell(v)] as const))
      : Render.cell(o)
    return title === undefined ? body : `${p.bold(title)}\n${body}`
  }
})

const keyStatusPrinted = (st: Keyring.Status): Printed => ({
  json: st,
  human: (p) =>
    [
      Render.keyValue(p, [
        ["key file", st.location],
        ["protection", st.protection === "kek" ? p.green("kek") : p.yellow("none (development only)")],
        ["active version", Render.cell(st.activeVersion)],
        ["min decryption", String(st.minDecryptionVersion)],
        ["fingerprint key", `created ${st.fingerprintKeyCreatedAt}`]
      ]),
      "",
      Render.table(
        p,
        ["VERSION", "STATE", "CREATED", "ENCRYPTIONS", "RESERVED"],
        st.versions.map((v) => [
          String(v.version),
          v.state === "active" ? p.green(v.state) : v.state === "destroyed" ? p.red(v.state) : p.yellow(v.state),
          v.createdAt,
          String(v.encryptions),
          String(v.reservedEncryptions)
        ])
      ),
      ...(st.jweKeys.length === 0 ? [] : [
        "",
        Render.table(p, ["MERCHANT", "JWE KID", "CREATED"], st.jweKeys.map((k) => [k.owner, k.kid, k.createdAt]))
      ])
    ].join("\n")
})

// ---------------------------------------------------------------------------
// Shared flags and arguments
// ---------------------------------------------------------------------------

const merchantFlag = Flag.String("merchant").pipe(Flag.withMetavar("ID"), Flag.withDescription("The merchant id"))
const tokenArg = Argument.String("token").pipe(Argument.withDescription("The token"))
const opt = (o: Option.Option<string>): string | undefined => Option.getOrUndefined(o)

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

const init = Command.make("init", {}, () =>
  Effect.gen(function*() {
    const g = yield* globals
    const created = yield* VaultDir.init({ dir: g.dir, store: g.store, now: g.now })
    printResult({
      json: { vault: created.dir, store: created.store },
      human: (p) => `${p.green("Created")} a vault in ${p.bold(created.dir)} (${created.store} store).`
    }, g.json)
  })).pipe(Command.withDescription("Create a vault (keys and store) in the vault directory; refuses to overwrite one"))

const merchantAdd = Command.make("add", {
  merchantId: Argument.String("merchantId").pipe(Argument.withDescription("The new merchant's id")),
  prefix: Flag.String("prefix").pipe(
    Flag.withMetavar("XXXX"),
    Flag.withDescription("A 4-character [A-Z0-9] token prefix (default: a fresh unique one)"),
    Flag.optional
  ),
  format: Flag.Literals("format", ["standard", "custom", "registration", "opaque"] as const).pipe(
    Flag.withDescription("The merchant's default token format (default opaque)"),
    Flag.optional
  )
}, (input) =>
  withVault((home) =>
    Effect.map(
      home.vault.addMerchant({ merchantId: input.merchantId, prefix: opt(input.prefix), format: opt(input.format) as TokenFormat.Name | undefined }),
      (m) => objectPrinted({ merchantId: m.merchantId, prefix: m.prefix, format: m.format })
    )
  )).pipe(Command.withDescription("Add a merchant"))

const merchant = Command.make("merchant").pipe(
  Command.withDescription("Manage merchants"),
  Command.withSubcommands([merchantAdd])
)

const tokenize = Command.make("tokenize", {
  merchant: merchantFlag,
  customer: Flag.String("customer").pipe(Flag.withMetavar("ID"), Flag.withDescription("The customer id"), Flag.optional),
  expiry: Flag.String("expiry").pipe(Flag.withMetavar("MM/YY"), Flag.withDescription("The card's expiry date"), Flag.optional),
  requestToken: Flag.String("request-token").pipe(
    Flag.withMetavar("VALUE"),
    Flag.withDescription("Axerve requestToken: MASKEDPAN or a custom value, optionally after :FORCED:"),
    Flag.optional
  ),
  requestId: Flag.String("request-id").pipe(
    Flag.withMetavar("ID"),
    Flag.withDescription("The idempotency key (merchantRequestId)"),
    Flag.optional
  ),
  format: Flag.Literals("format", ["standard", "custom", "registration", "opaque"] as const).pipe(
    Flag.withDescription("Override the merchant's default token format"),
    Flag.optional
  )
}, (input) =>
  Effect.gen(function*() {
    // Read the card first: the vault (and the file store's lock) is opened only once it is there.
    const secret = yield* readSecret("Card number (input hidden): ")
    if (secret === undefined) {
      return yield* CliFailure.usage("Give the card number (or IBAN) on standard input; never as an argument.")
    }
    const isIban = /^[A-Za-z]{2}/.test(Redacted.value(secret))
    if (!isIban && Option.isNone(input.expiry)) return yield* CliFailure.usage("A card needs --expiry MM/YY.")
    yield* withVault((home) =>
      Effect.map(
        home.vault.tokenize({
          merchantId: input.merchant,
          customerId: opt(input.customer),
          ...(isIban ? { iban: secret } : { pan: secret, expiry: opt(input.expiry) }),
          requestToken: opt(input.requestToken),
          merchantRequestId: opt(input.requestId),
          format: opt(input.format) as TokenFormat.Name | undefined
        }),
        tokenPrinted
      )
    )
  })).pipe(Command.withDescription("Tokenize a card read from standard input (never from argv)"))

/** AlliancePay's encrypted token creation over the vault directory, the keyring as card intake. */
const encryptedOf = (home: VaultDir.Home) =>
  EncryptedTokenize.make({ vault: home.vault, store: home.store, intake: Keyring.cardIntake(home.keyring) })

const tokenizeEncrypted = Command.make("tokenize-encrypted", {
  merchant: merchantFlag,
  customer: Flag.String("customer").pipe(Flag.withMetavar("ID"), Flag.withDescription("The customer id")),
  requestId: Flag.String("request-id").pipe(Flag.withMetavar("ID"), Flag.withDescription("The idempotency key")),
  card: Flag.String("card").pipe(Flag.withMetavar("JWE"), Flag.withDescription("encryptedCardNumber: a compact JWE")),
  expDate: Flag.String("exp-date").pipe(Flag.withMetavar("JWE"), Flag.withDescription("encryptedExpDate: a compact JWE (YYMM)"))
}, (input) =>
  withVault((home) =>
    Effect.gen(function*() {
      const view = yield* encryptedOf(home).createView({
        merchantId: input.merchant,
        customerId: input.customer,
        encryptedCardNumber: input.card,
        encryptedExpDate: input.expDate,
        merchantRequestId: input.requestId,
        date: DateTime.formatIso(yield* DateTime.now)
      })
      return tokenPrinted(view)
    })
  )).pipe(Command.withDescription("Tokenize an AlliancePay-style encrypted card (JWE, ECDH-ES+A256KW / A256GCM, P-384)"))

const publicKey = Command.make("public-key", { merchant: merchantFlag }, (input) =>
  withVault((home) =>
    Effect.gen(function*() {
      const jwk = yield* encryptedOf(home).publicJwk(input.merchant)
      return { json: jwk, human: () => JSON.stringify(jwk, null, 2) } satisfies Printed
    })
  )).pipe(Command.withDescription("Print the merchant's public encryption key (P-384 JWK)"))

const show = Command.make("show", { token: tokenArg, merchant: merchantFlag }, (input) =>
  withVault((home) => Effect.map(home.vault.getToken(input.merchant, input.token), tokenPrinted))).pipe(
    Command.withDescription("Show a token")
  )

const list = Command.make("list", {
  merchant: merchantFlag,
  customer: Flag.String("customer").pipe(Flag.withMetavar("ID"), Flag.withDescription("Only this customer's tokens"), Flag.optional)
}, (input) =>
  withVault((home) =>
    Effect.map(
      Option.isSome(input.customer)
        ? home.vault.listByCustomer(input.merchant, input.customer.value)
        : home.vault.listByMerchant(input.merchant),
      tokensPrinted
    )
  )).pipe(Command.withDescription("List a merchant's tokens (or one customer's)"))

const status = Command.make("status", {
  token: tokenArg,
  status: Argument.Literals("status", ["ACTIVE", "SUSPENDED", "DELETED"] as const).pipe(
    Argument.withDescription("The new status")
  ),
  merchant: merchantFlag
}, (input) =>
  withVault((home) => Effect.map(home.vault.updateStatus(input.merchant, input.token, input.status as TokenStatus.Status), tokenPrinted)))
  .pipe(Command.withDescription("Change a token's status (ACTIVE, SUSPENDED or DELETED)"))

const del = Command.make("delete", { token: tokenArg, merchant: merchantFlag }, (input) =>
  withVault((home) => Effect.map(home.vault.deleteToken(input.merchant, input.token), tokenPrinted))).pipe(
    Command.withDescription("Delete (deregister) a token")
  )

const extend = Command.make("extend", { token: tokenArg, merchant: merchantFlag }, (input) =>
  withVault((home) => Effect.map(home.vault.extendRetention(input.merchant, input.token), tokenPrinted))).pipe(
    Command.withDescription("Extend a token's retention period")
  )

const updateExpiry = Command.make("update-expiry", {
  token: tokenArg,
  merchant: merchantFlag,
  expiry: Flag.String("expiry").pipe(Flag.withMetavar("MM/YY"), Flag.withDescription("The new expiry date"))
}, (input) =>
  withVault((home) => Effect.map(home.vault.updateExpiry(input.merchant, input.token, input.expiry), tokenPrinted))).pipe(
    Command.withDescription("Update a card token's expiry date")
  )

const use = Command.make("use", {
  token: tokenArg,
  merchant: merchantFlag,
  source: Flag.Literals("source", ["CIT", "MIT"] as const).pipe(Flag.withDescription("Who initiates: customer or merchant")),
  mode: Flag.Literals("mode", ["INITIAL", "REPEATED"] as const).pipe(Flag.withDescription("First or repeated use")),
  type: Flag.Literals("type", ["UNSCHEDULED", "RECURRING", "INSTALLMENT"] as const).pipe(
    Flag.withDescription("The card-on-file agreement type")
  ),
  initialTransactionId: Flag.String("initial-transaction-id").pipe(
    Flag.withMetavar("ID"),
    Flag.withDescription("The transaction id of the CIT INITIAL payment an MIT refers to"),
    Flag.optional
  )
}, (input) =>
  withVault((home) =>
    Effect.map(
      home.vault.authorizeUse({
        merchantId: input.merchant,
        token: input.token,
        source: input.source,
        mode: input.mode,
        type: input.type,
        initialTransactionId: opt(input.initialTransactionId)
      }),
      // The authorization's instrument (PAN) is for the payment call only: never printed.
      (a) => objectPrinted({ token: a.token, transactionId: a.transactionId })
    )
  )).pipe(Command.withDescription("Authorize a payment use of a token and record it (never prints the card number)"))

const sweep = Command.make("sweep", {}, () =>
  withVault((home) =>
    withProgress("sweep", (progress) =>
      Effect.map(
        home.vault.sweep({ onProgress: (purged) => progress.update(purged, undefined, "purged") }),
        (r): Printed => ({ json: { purged: r.purged }, human: (p) => `${p.bold(String(r.purged))} purged (${r.scanned} due).` })
      ))
  )).pipe(Command.withDescription("Purge tokens whose retention period has passed"))

const groupCreate = Command.make("create", {
  group: Argument.String("groupId").pipe(Argument.withDescription("The new group's id"))
}, (input) =>
  withVault((home) => Effect.as(home.vault.createGroup(input.group), objectPrinted({ groupId: input.group })))).pipe(
    Command.withDescription("Create a merchant group")
  )

/** `group join` and `group leave`: one merchant, one group, and whether its tokens move too. */
const membershipCommand = (
  name: "join" | "leave",
  tokensFlag: { readonly name: string; readonly description: string },
  change: (vault: Vault.Service, groupId: string, merchantId: string, moveTokens: boolean) => Effect.Effect<number, unknown>,
  description: string
) =>
  Command.make(name, {
    group: Argument.String("groupId").pipe(Argument.withDescription("The group")),
    merchant: merchantFlag,
    moveTokens: Flag.Boolean(tokensFlag.name).pipe(Flag.withDescription(tokensFlag.description), Flag.withDefault(false))
  }, (input) =>
    withVault((home) =>
      Effect.map(
        change(home.vault, input.group, input.merchant, input.moveTokens),
        (moved) => objectPrinted({ groupId: input.group, merchantId: input.merchant, moved })
      )
    )).pipe(Command.withDescription(description))

const groupJoin = membershipCommand(
  "join",
  { name: "with-tokens", description: "Bring the merchant's existing tokens into the group" },
  (vault, g, m, move) => vault.joinGroup(g, m, move),
  "Add a merchant to a group"
)

const groupLeave = membershipCommand(
  "leave",
  { name: "take-tokens", description: "Take the merchant's tokens out of the group" },
  (vault, g, m, move) => vault.leaveGroup(g, m, move),
  "Remove a merchant from a group"
)

const group = Command.make("group").pipe(
  Command.withDescription("Manage merchant groups"),
  Command.withSubcommands([groupCreate, groupJoin, groupLeave])
)

const keysRotate = Command.make("rotate", {}, () =>
  withVault((home) =>
    Effect.map(home.keyring.rotate(), (activeVersion) => {
      const st = home.keyring.status()
      return objectPrinted({ activeVersion, versions: st.versions.map((v) => ({ version: v.version, state: v.state })) }, "Rotated")
    })
  )).pipe(
    Command.withDescription("Add a new active data key version")
  )

const keysRewrap = Command.make("rewrap", {}, () =>
  withVault((home) =>
    withProgress("rewrap", (progress) =>
      Effect.map(
        home.keyring.rewrap(home.store, {
          onBatch: (b) => progress.update(b.scanned, undefined, `scanned, ${b.rewrapped} rewrapped (pass ${b.pass})`)
        }),
        (r) => objectPrinted(r, "Rewrapped")
      ))
  )).pipe(Command.withDescription("Re-encrypt every record under the active key version"))

const keysStatus = Command.make("status", {}, () => withVault((home) => Effect.sync(() => keyStatusPrinted(home.keyring.status())))).pipe(
  Command.withDescription("Show the keyring's key versions and state")
)

const keys = Command.make("keys").pipe(
  Command.withDescription("Manage the vault's keys"),
  Command.withSubcommands([keysRotate, keysRewrap, keysStatus])
)

const compact = Command.make("compact", {}, () =>
  withVault((home) =>
    home.compact === undefined
      ? Effect.fail(CliFailure.rejected("NOT_SUPPORTED", "This store does not compact."))
      : withProgress("compact", (progress) =>
        Effect.map(home.compact!((done, total) => progress.update(done, total)), (r) => objectPrinted(r, "Compacted")))
  )).pipe(Command.withDescription("Compact the file store's journal"))

const conformance = Command.make("conformance", {
  target: Flag.String("target").pipe(
    Flag.withMetavar("NAME|MODULE"),
    Flag.withDescription(`A built-in target (${Conformance.builtInTargets.join(", ")}) or a module path; repeatable (default: all built-in)`),
    Flag.atLeast(0)
  ),
  runs: Flag.Int("runs").pipe(Flag.withDescription("Runs per property"), Flag.optional),
  seed: Flag.Int("seed").pipe(Flag.withDescription("The seed (replays a report's runs)"), Flag.optional),
  report: Flag.String("report").pipe(Flag.withMetavar("FILE"), Flag.withDescription("Write the JSON report to FILE"), Flag.optional)
}, (input) =>
  Effect.gen(function*() {
    const g = yield* globals
    const outcome = yield* withProgress("conformance", (progress) =>
      Conformance.run({
        targets: input.target,
        runs: Option.getOrUndefined(input.runs),
        seed: Option.getOrUndefined(input.seed),
        reportFile: opt(input.report),
        onProgress: (done, total, detail) => progress.update(done, total, detail)
      }))
    printResult({ json: outcome.reports, human: () => Conformance.formatHuman(outcome, Render.useColour(process.stdout)) }, g.json)
    if (!outcome.passed) {
      return yield* CliFailure.rejected("CONFORMANCE_FAILED", `${outcome.failed} rule(s) failed; see the report above.`)
    }
  })).pipe(Command.withDescription("Run the conformance kit against built-in or module targets"))

/**
 * The `tokenvault` command tree.
 *
 * @category constructors
 * @since 0.1.0
 */
export const command = root.pipe(
  Command.withSubcommands([
    init,
    merchant,
    tokenize,
    tokenizeEncrypted,
    publicKey,
    show,
    list,
    status,
    del,
    extend,
    updateExpiry,
    use,
    sweep,
    group,
    keys,
    compact,
    conformance
  ])
)

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

const jsonRequested = (argv: ReadonlyArray<string>): boolean => {
  for (const a of argv) {
    if (a === "--") return false
    if (a === "--json" || a === "--json=true") return true
  }
  return false
}

const presenter = (json: boolean) =>
  CliOutput.layerPresenter({
    present: (event) =>
      Effect.sync(() => {
        const formatter = CliOutput.defaultFormatter({ colors: false })
        switch (event._tag) {
          case "Help":
            // Asked for: stdout. Implicit (no subcommand given, a usage error): in JSON mode the
            // failure printed by `main` is the only output, so stdout stays one JSON document.
            if (event.reason === "Requested" || !json) process.stdout.write(formatter.formatHelpDoc(event.helpDoc) + "\n")
            return
          case "Version":
            process.stdout.write(json ? JSON.stringify({ version: event.version }) + "\n" : `${event.name} ${event.version}\n`)
            return
          case "InvalidInvocation":
            // The failure itself is printed by `main`; a human also gets the usage.
            if (!json) process.stderr.write(formatter.formatHelpDoc(event.helpDoc) + "\n\n")
            return
        }
      })
  })

/** Why `argv` is refused before parsing, if it is. */
const refuseArgv = (argv: ReadonlyArray<string>): string | undefined => {
  const panAt = ArgvGuard.findPanLike(argv)
  if (panAt !== undefined) {
    return `Argument ${panAt + 1} looks like a card number. Card numbers are read from standard input only, never from arguments.`
  }
  // effect/cli's built-in wizard prompts on a terminal; this CLI reads only card data from stdin.
  if (argv.includes("--wizard")) return "The interactive wizard is not supported; pass the command's flags instead."
  return undefined
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and resolves with
 * the exit code. Prints results on stdout and failures on stderr.
 *
 * @category running
 * @since 0.1.0
 */
export const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const json = jsonRequested(argv)
  const refused = refuseArgv(argv)
  if (refused !== undefined) {
    const failure = CliFailure.toFailure(CliFailure.usage(refused))
    printFailure(failure, json)
    return failure.exitCode
  }
  const program = Command.runWith(command, { version })(argv).pipe(
    Effect.provide(Layer.mergeAll(Platform.layer, presenter(json)))
  )
  const exit = await Effect.runPromiseExit(program)
  if (Exit.isSuccess(exit)) return CliFailure.ExitCode.ok
  if (Cause.hasInterruptsOnly(exit.cause)) return 130
  const error = Cause.squash(exit.cause)
  const failure = CliFailure.toFailure(error)
  if (failure.code === "INTERNAL" && process.env["TOKENVAULT_DEBUG"] !== undefined) {
    process.stderr.write(Cause.pretty(exit.cause) + "\n")
  }
  printFailure(failure, json)
  return failure.exitCode
}
