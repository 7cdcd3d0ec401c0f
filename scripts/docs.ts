/**
 * `pnpm run docs`: generates the rules reference and checks the API docs.
 * (Plain `pnpm docs` runs pnpm's built-in `docs` command, which opens the
 * package's npm page, not this script; use `pnpm run docs`.)
 *
 * 1. **Rules** (`docs/rules.md`, and the generated sections of
 *    `docs/domain.md`). Reads the rule registry (`packages/core/src/Rules.ts`)
 *    and, for every rule, finds:
 *    - the code that enforces it: each `enforcedBy` entry (`core/Pan.parse`)
 *      resolved to its file (`packages/core/src/Pan.ts`) and, when it can be
 *      found, the line of the symbol;
 *    - where the source raises it: string literals equal to the rule ID in
 *      `packages/*\/src` (for example `TokenError.make(..., { rule: "PAN-LUHN" })`);
 *    - the tests that check it: `it`/`test`/`describe` calls (with any
 *      modifier: `.each`, `.prop`, `.skipIf(...)`, ...) in
 *      `packages/*\/test/**\/*.ts` (shared suites included) and `conformance/test/**\/*.ts` whose
 *      title names the ID in square brackets (`[PAN-LUHN]`, or several IDs in
 *      one bracket separated by spaces or commas);
 *    - the conformance properties that check it: any string literal equal to
 *      the ID (or containing `[ID]`) anywhere in `conformance/src`. A literal
 *      inside an object with `name` and `rules` keys is listed as that
 *      property; any other is listed as a check in its enclosing function.
 *
 *    The files are parsed with the TypeScript compiler, not matched with
 *    regular expressions, so comments never count. The build fails (exit 1)
 *    when a rule has no test, no source or no `enforcedBy` entry, when an
 *    `enforcedBy` entry names a file that does not exist or a symbol not
 *    declared in it, when PAN-LUHN's statement names a Luhn policy the code
 *    does not have, or when a documented example (retention dates, Luhn
 *    policy) disagrees with the code.
 *
 *    The same step writes the generated blocks of `docs/domain.md` (tables
 *    computed by the functions they describe) and of `docs/architecture.md`
 *    (the dependency graph from `package.json` and the imports in `src`), and
 *    fails when a package imports what it does not declare, the core imports
 *    a Node.js module, or a package reaches into another's `internal/`.
 *
 * 2. **API** (`docs/api/`, gitignored). Runs TypeDoc with `typedoc.json`
 *    over the `src/index.ts` of every package in {@link PACKAGES} that exists,
 *    with every warning an error. Warnings are grouped by package in the
 *    summary, so a package being written can be told apart from the rest.
 *
 * Usage:
 *
 *     pnpm run docs                         # both parts
 *     pnpm run docs --only rules            # rules reference only
 *     pnpm run docs --only api              # TypeDoc only
 *     pnpm run docs --packages core,vault   # TypeDoc over these packages only
 *
 * Exit code: 0 when every part passed, 1 otherwise.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import * as td from "typedoc"
import ts from "typescript"
import { DateTime } from "effect"
import {
  CustomToken,
  Expiry,
  IsoDate,
  Pan,
  PaymentTokenization,
  PaymentUse,
  Retention,
  Rules,
  TokenError,
  TokenFormat,
  TokenStatus
} from "../packages/core/src/index.ts"

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/**
 * The packages, in dependency order. `short` is the prefix `enforcedBy`
 * entries use (`vault/Vault.tokenize`). A package whose `src/index.ts` does
 * not exist yet is skipped (and reported). Add new packages here.
 */
const PACKAGES: ReadonlyArray<{ readonly name: string; readonly dir: string; readonly short: string; readonly role: string }> = [
  { name: "@tokenvault/core", dir: "packages/core", short: "core", role: "pure rules" },
  { name: "@tokenvault/vault", dir: "packages/vault", short: "vault", role: "ports, use cases, memory store, node:crypto adapters" },
  { name: "@tokenvault/store-file", dir: "packages/store-file", short: "store-file", role: "file journal TokenStore" },
  { name: "@tokenvault/store-postgres", dir: "packages/store-postgres", short: "store-postgres", role: "PostgreSQL TokenStore" },
  { name: "@tokenvault/conformance", dir: "conformance", short: "conformance", role: "conformance kit" },
  { name: "@tokenvault/cli", dir: "packages/cli", short: "cli", role: "tokenvault command" }
]

/**
 * The dependency rule beyond `package.json`: what a package may import even
 * when declared. The core has no I/O, so no `node:*` module.
 */
const FORBIDDEN_IMPORTS: Readonly<Record<string, ReadonlyArray<string>>> = {
  core: ["node:*"]
}

/**
 * Where tests are looked for: [directory, file suffix]. Every `.ts` file, not
 * only `*.test.ts`: a shared suite (`packages/vault/test/helpers.ts`, run by
 * two test files over two drivers) declares its tests in a helper module.
 */
const TEST_ROOTS: ReadonlyArray<readonly [string, string]> = [
  ...readdirIfExists(path.join(ROOT, "packages")).map((p) => [`packages/${p}/test`, ".ts"] as const),
  ["conformance/test", ".ts"]
]

/** Where conformance properties are looked for. */
const PROPERTY_ROOT = "conformance/src"

/** Call names that declare a test or a suite. */
const TEST_CALLS = new Set(["it", "test"])
const SUITE_CALLS = new Set(["describe", "suite"])

/**
 * Public addresses of the documents the registry cites, keyed by the
 * registry's `document` string. A document without an entry is listed
 * without a link (and reported).
 */
const SOURCE_LINKS: Readonly<Record<string, string>> = {
  "seed 000 (ACI / Open Payment Platform, Server-to-Server Registration Tokens)":
    "https://peachpayments.docs.oppwa.com/s2s-registrationtokens",
  "seed 002 (Axerve / GestPay, Handling subscriptions: Tokenization)":
    "https://docs.axerve.com/en/payments/recurring-payments/manage-subscriptions/",
  "seed 003 (AlliancePay, Token Creation)": "https://docs.merchant.alb.ua/en/payment-methods-h2h/token/token-creation",
  "ACI Data Retention Policy (docs.prtpe.com/reference/data-retention-policy)":
    "https://docs.prtpe.com/reference/data-retention-policy",
  "ACI result codes (docs.aciworldwide.com/reference/resultCodes)": "https://docs.aciworldwide.com/reference/resultCodes",
  "ACI card-on-file / standing instructions (hyperpay.docs.oppwa.com/cof)": "https://hyperpay.docs.oppwa.com/cof",
  "Axerve API errors (gestpay-api source/includes/_errors.md)":
    "https://github.com/hype-app/gestpay-api/blob/dc3d3a8ebd95f751fbb5bdedb888847b98b259e1/source/includes/_errors.md",
  "Axerve WSs2s services (gestpay-api source/includes)":
    "https://github.com/hype-app/gestpay-api/tree/dc3d3a8ebd95f751fbb5bdedb888847b98b259e1/source/includes",
  "AlliancePay Update Token Status (docs.merchant.alb.ua/en/payment-methods-h2h/token/update-token-status)":
    "https://docs.merchant.alb.ua/en/payment-methods-h2h/token/update-token-status",
  "AlliancePay Encryption of card data (docs.merchant.alb.ua/en/authorization-2.0/encryption-of-card-data)":
    "https://docs.merchant.alb.ua/en/authorization-2.0/encryption-of-card-data",
  "PCI DSS v4.0.1": "https://www.pcisecuritystandards.org/document_library/",
  "PCI DSS Tokenization Guidelines (2011) §2.1.1":
    "https://www.pcisecuritystandards.org/document_library/",
  "PCI DSS Tokenization Product Security Guidelines (2015)":
    "https://www.pcisecuritystandards.org/documents/Tokenization_Product_Security_Guidelines.pdf",
  "PCI SSC FAQ 1091":
    "https://www.pcisecuritystandards.org/faq/articles/Frequently_Asked_Question/What-are-acceptable-formats-for-truncation-of-primary-account-numbers/",
  "ISO 8601-1:2019": "https://www.iso.org/standard/70907.html",
  "PCI SSC FAQ 1492":
    "https://www.pcisecuritystandards.org/faq/articles/Frequently_Asked_Question/how-can-an-entity-meet-pci-dss-requirements-for-pan-masking-and-truncation-if-it-has-migrated-to-8-digit-bins/",
  "RFC 7518": "https://www.rfc-editor.org/rfc/rfc7518",
  "NIST SP 800-38D": "https://csrc.nist.gov/pubs/sp/800/38/d/final",
  "HashiCorp Vault transit": "https://developer.hashicorp.com/vault/api-docs/secret/transit",
  "hyperswitch-card-vault": "https://github.com/juspay/hyperswitch-card-vault",
  // ISO standards are cited by number and clause; their texts are sold by ISO.
  "ISO/IEC 7812-1": "",
  "ISO 13616-1": ""
}

/** The seed files behind the "seed NNN" documents. */
const SEED_FILES: Readonly<Record<string, string>> = {
  "000": "000_b79083152a219f4c.txt",
  "002": "002_a6af4f864e8b51ee.txt",
  "003": "003_ddd6b59c35128353.txt"
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

function readdirIfExists(dir: string): Array<string> {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/** Files under `dir` (relative to the root) ending in `suffix`, sorted. */
const walk = (dir: string, suffix: string): Array<string> => {
  const out: Array<string> = []
  const visit = (rel: string): void => {
    for (const entry of readdirIfExists(path.join(ROOT, rel)).sort()) {
      if (entry === "node_modules" || entry === "dist" || entry.startsWith(".")) continue
      const child = `${rel}/${entry}`
      const stat = statSync(path.join(ROOT, child))
      if (stat.isDirectory()) visit(child)
      else if (entry.endsWith(suffix) && !entry.endsWith(".d.ts")) out.push(child)
    }
  }
  visit(dir)
  return out
}

const parse = (file: string): ts.SourceFile =>
  ts.createSourceFile(file, readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)

const lineOf = (sf: ts.SourceFile, node: ts.Node): number => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1

const forEachNode = (node: ts.Node, f: (n: ts.Node) => void): void => {
  f(node)
  ts.forEachChild(node, (child) => forEachNode(child, f))
}

/** Escapes text for a Markdown table cell. */
const cell = (s: string): string => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ")

/** Inline code that survives backticks in the text. */
const code = (s: string): string => (s.includes("`") ? `\`\` ${s} \`\`` : `\`${s}\``)

/** A link from `docs/` to a repository file, optionally at a line. */
const fileLink = (file: string, line?: number, label?: string): string =>
  `[${label ?? code(line === undefined ? file : `${file}:${line}`)}](../${file}${line === undefined ? "" : `#L${line}`})`

const anchor = (id: string): string => id.toLowerCase().replace(/[^a-z0-9-]/g, "")

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`

// ---------------------------------------------------------------------------
// Rule tags in titles and literals
// ---------------------------------------------------------------------------

const KNOWN = new Set(Rules.all.map((r) => r.id))
/** What a rule ID looks like, for reporting tags that name no known rule. */
const ID_SHAPE = /^[A-Z][A-Z0-9]+(?:-[A-Z0-9]{2,})+$/

/** The rule IDs named in square brackets in `text`, and bracketed ID-like words that are not rules. */
const bracketTags = (text: string): { readonly ids: Array<string>; readonly unknown: Array<string> } => {
  const ids: Array<string> = []
  const unknown: Array<string> = []
  for (const m of text.matchAll(/\[([^[\]]+)\]/g)) {
    for (const word of m[1]!.split(/[\s,;|]+/)) {
      if (word === "") continue
      if (KNOWN.has(word)) {
        if (!ids.includes(word)) ids.push(word)
      } else if (ID_SHAPE.test(word)) unknown.push(word)
    }
  }
  return { ids, unknown }
}

/** The text of a string-like expression; `${…}` stands for substitutions. */
const literalText = (n: ts.Node): string | undefined => {
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text
  if (ts.isTemplateExpression(n)) {
    return n.head.text + n.templateSpans.map((s) => "${" + s.expression.getText() + "}" + s.literal.text).join("")
  }
  if (ts.isParenthesizedExpression(n)) return literalText(n.expression)
  if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = literalText(n.left)
    const r = literalText(n.right)
    if (l === undefined && r === undefined) return undefined
    return (l ?? "${" + n.left.getText() + "}") + (r ?? "${" + n.right.getText() + "}")
  }
  return undefined
}

/** `it.each(t)`, `it.skipIf(c)`, `test.prop([...])`: the root name and the modifiers. */
const calleeChain = (e: ts.Expression): { readonly root: string; readonly modifiers: Array<string> } | undefined => {
  if (ts.isIdentifier(e)) return { root: e.text, modifiers: [] }
  if (ts.isPropertyAccessExpression(e)) {
    const inner = calleeChain(e.expression)
    return inner === undefined ? undefined : { root: inner.root, modifiers: [...inner.modifiers, e.name.text] }
  }
  if (ts.isCallExpression(e)) return calleeChain(e.expression)
  return undefined
}

// ---------------------------------------------------------------------------
// Scanners
// ---------------------------------------------------------------------------

interface TestRef {
  readonly file: string
  readonly line: number
  readonly title: string
  readonly kind: "test" | "suite"
  /** `skipped` (`.skip`, `.todo`): listed, not counted. `conditional` (`.skipIf`, `.runIf`): counted. */
  readonly status: "active" | "conditional" | "skipped"
}

interface CodeRef {
  readonly file: string
  readonly line: number
  readonly label: string
  readonly kind: "property" | "check" | "source"
}

interface Notes {
  readonly unknownTags: Array<string>
  readonly dynamicTitles: Array<string>
  readonly unlinkedSources: Set<string>
  readonly errors: Array<string>
}

const scanTests = (notes: Notes): Map<string, Array<TestRef>> => {
  const byRule = new Map<string, Array<TestRef>>()
  for (const [dir, suffix] of TEST_ROOTS) {
    for (const file of walk(dir, suffix)) {
      const sf = parse(file)
      forEachNode(sf, (n) => {
        if (!ts.isCallExpression(n) || n.arguments.length === 0) return
        const chain = calleeChain(n.expression)
        if (chain === undefined) return
        const kind = TEST_CALLS.has(chain.root) ? "test" : SUITE_CALLS.has(chain.root) ? "suite" : undefined
        if (kind === undefined) return
        const title = literalText(n.arguments[0]!)
        if (title === undefined) return
        const line = lineOf(sf, n)
        const { ids, unknown } = bracketTags(title)
        for (const u of unknown) notes.unknownTags.push(`${file}:${line} names [${u}], which is not in the registry`)
        if (/\[[^\]]*\$\{/.test(title)) notes.dynamicTitles.push(`${file}:${line} ${JSON.stringify(title)}`)
        const status = chain.modifiers.some((m) => m === "skip" || m === "todo")
          ? "skipped"
          : chain.modifiers.some((m) => m === "skipIf" || m === "runIf")
          ? "conditional"
          : "active"
        for (const id of ids) {
          const list = byRule.get(id) ?? []
          list.push({ file, line, title, kind, status })
          byRule.set(id, list)
        }
      })
    }
  }
  return byRule
}

const nameOf = (n: ts.Node): string | undefined => {
  if (
    (ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n) || ts.isMethodDeclaration(n) || ts.isVariableDeclaration(n) ||
      ts.isPropertyAssignment(n) || ts.isPropertyDeclaration(n) || ts.isGetAccessorDeclaration(n)) &&
    n.name !== undefined
  ) {
    return ts.isIdentifier(n.name) || ts.isStringLiteral(n.name) ? n.name.text : n.name.getText()
  }
  return undefined
}

/** A property object (`{ name, rules, ... }`) around `n`, if any: its name. */
const enclosingProperty = (n: ts.Node): string | undefined => {
  for (let p: ts.Node | undefined = n.parent; p !== undefined; p = p.parent) {
    if (!ts.isObjectLiteralExpression(p)) continue
    const keys = new Map<string, ts.Expression>()
    for (const prop of p.properties) {
      if (ts.isPropertyAssignment(prop)) keys.set(prop.name.getText(), prop.initializer)
      else if (ts.isShorthandPropertyAssignment(prop)) keys.set(prop.name.text, prop.name)
    }
    const name = keys.get("name")
    if (name !== undefined && keys.has("rules")) return literalText(name) ?? name.getText()
  }
  return undefined
}

/** The innermost named declarations around `n`, outermost first, at most two. */
const enclosingNames = (n: ts.Node): string => {
  const names: Array<string> = []
  for (let p: ts.Node | undefined = n.parent; p !== undefined; p = p.parent) {
    const name = nameOf(p)
    if (name !== undefined && !ts.isPropertyAssignment(p)) names.unshift(name)
  }
  return names.slice(-2).join(".") || "(module)"
}

/** String literals equal to a rule ID (or containing `[ID]`) in the files under `dir`. */
const scanLiterals = (
  files: ReadonlyArray<string>,
  classify: (n: ts.Node) => { readonly kind: CodeRef["kind"]; readonly label: string }
): Map<string, Array<CodeRef>> => {
  const byRule = new Map<string, Array<CodeRef>>()
  for (const file of files) {
    const sf = parse(file)
    forEachNode(sf, (n) => {
      if (!ts.isStringLiteral(n) && !ts.isNoSubstitutionTemplateLiteral(n)) return
      const ids = KNOWN.has(n.text) ? [n.text] : bracketTags(n.text).ids
      if (ids.length === 0) return
      const { kind, label } = classify(n)
      const line = lineOf(sf, n)
      for (const id of ids) {
        const list = byRule.get(id) ?? []
        if (!list.some((r) => r.file === file && r.label === label)) list.push({ file, line, label, kind })
        byRule.set(id, list)
      }
    })
  }
  return byRule
}

const scanProperties = (): Map<string, Array<CodeRef>> =>
  scanLiterals(walk(PROPERTY_ROOT, ".ts"), (n) => {
    const property = enclosingProperty(n)
    return property !== undefined ? { kind: "property", label: property } : { kind: "check", label: enclosingNames(n) }
  })

const scanSources = (): Map<string, Array<CodeRef>> =>
  scanLiterals(
    PACKAGES.filter((p) => p.dir.startsWith("packages/"))
      .flatMap((p) => walk(`${p.dir}/src`, ".ts"))
      .filter((f) => f !== "packages/core/src/Rules.ts"),
    (n) => ({ kind: "source", label: enclosingNames(n) })
  )

// ---------------------------------------------------------------------------
// enforcedBy → files
// ---------------------------------------------------------------------------

interface Enforcer {
  readonly ref: string
  readonly file: string
  readonly line: number | undefined
  readonly exists: boolean
}

const resolveEnforcer = (ref: string): Enforcer => {
  const slash = ref.indexOf("/")
  const pkg = PACKAGES.find((p) => p.short === ref.slice(0, slash))
  const [module, ...rest] = ref.slice(slash + 1).split(".")
  const file = `${pkg?.dir ?? `packages/${ref.slice(0, slash)}`}/src/${module}.ts`
  if (pkg === undefined || !existsSync(path.join(ROOT, file))) return { ref, file, line: undefined, exists: false }
  const symbol = rest.join(".")
  if (symbol === "") return { ref, file, line: undefined, exists: true }
  const lines = readFileSync(path.join(ROOT, file), "utf8").split("\n")
  const esc = symbol.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  const patterns = [
    new RegExp(`^export\\s+(?:declare\\s+)?(?:abstract\\s+)?(?:async\\s+)?(?:const|let|function\\*?|class|interface|type|enum)\\s+${esc}\\b`),
    new RegExp(`^\\s*(?:readonly\\s+)?${esc}\\s*[?]?[:(]`),
    new RegExp(`^\\s*(?:const|let|function\\*?)\\s+${esc}\\b`)
  ]
  for (const re of patterns) {
    const i = lines.findIndex((l) => re.test(l))
    if (i >= 0) return { ref, file, line: i + 1, exists: true }
  }
  return { ref, file, line: undefined, exists: true }
}

// ---------------------------------------------------------------------------
// Sources
// ---------------------------------------------------------------------------

const sourceText = (s: Rules.Source, notes: Notes): string => {
  const seed = /^seed (\d{3}) /.exec(s.document)
  const url = SOURCE_LINKS[s.document]
  if (url === undefined) notes.unlinkedSources.add(s.document)
  const doc = url !== undefined && url !== "" ? `[${s.document}](${url})` : s.document
  const seedFile = seed !== null && SEED_FILES[seed[1]!] !== undefined ? ` (seed file ${code(SEED_FILES[seed[1]!]!)})` : ""
  return `${doc}${seedFile}, ${s.section}`
}

// ---------------------------------------------------------------------------
// docs/rules.md
// ---------------------------------------------------------------------------

interface Coverage {
  readonly rule: Rules.Rule
  readonly enforcers: ReadonlyArray<Enforcer>
  readonly raisedIn: ReadonlyArray<CodeRef>
  readonly tests: ReadonlyArray<TestRef>
  readonly counted: number
  readonly properties: ReadonlyArray<CodeRef>
}

const renderRules = (coverage: ReadonlyArray<Coverage>, notes: Notes): string => {
  const out: Array<string> = []
  const untested = coverage.filter((c) => c.counted === 0)
  out.push(
    "<!-- GENERATED by `pnpm run docs` (scripts/docs.ts) from packages/core/src/Rules.ts, the tests and the conformance kit. Do not edit by hand. -->",
    "",
    "# Rules reference",
    "",
    "Every rule tokenvault enforces, from the rule registry (`packages/core/src/Rules.ts`). For each rule:",
    "its statement; its sources (the gateway document and section, the standard and requirement, or the public",
    "document it comes from); the gateway codes it produces; the code that enforces it; where the source raises",
    "it; the tests whose titles name it (`[RULE-ID]`); and the conformance-kit properties and checks that name it.",
    "",
    "How the lists are built (see `scripts/docs.ts`):",
    "",
    "- **Tests**: `it`/`test`/`describe` calls in `packages/*/test/**/*.ts` and `conformance/test/**/*.ts`",
    "  whose title names the rule ID in square brackets. `describe` titles count for the suite. Tests marked",
    "  `.skip` or `.todo` are listed but not counted; `.skipIf`/`.runIf` tests (for example those that need a",
    "  PostgreSQL server) are counted and marked *conditional*.",
    "- **Conformance**: string literals equal to the rule ID in `conformance/src`. Inside a property",
    "  definition (an object with `name` and `rules`) they are listed as the property; elsewhere (an assertion",
    "  that names the rule it guards, or a list of rules) as a reference in the enclosing declaration.",
    "- **Raised in**: string literals equal to the rule ID in the packages' `src` (the `rule` field of the",
    "  errors they return).",
    "",
    "The generator (`pnpm run docs`) fails when a rule has no test, no source or no enforcing code, when an",
    "`enforcedBy` entry names a missing file or symbol, when a package breaks the dependency rule",
    "([architecture.md](architecture.md)), or when an example in [domain.md](domain.md) disagrees with the code.",
    "",
    "## Summary",
    "",
    `${plural(coverage.length, "rule")}; ${plural(coverage.length - untested.length, "rule")} with at least one test; ` +
      `${plural(coverage.filter((c) => c.properties.some((p) => p.kind === "property")).length, "rule")} checked by a conformance property.`,
    "",
    "| Rule | Statement | Gateway codes | Tests | Conformance properties | Other kit references |",
    "|---|---|---|---:|---:|---:|"
  )
  for (const c of coverage) {
    const props = c.properties.filter((p) => p.kind === "property").length
    out.push(
      `| [${c.rule.id}](#${anchor(c.rule.id)}) | ${cell(c.rule.statement)} | ${c.rule.gatewayCodes.map(code).join(", ") || "—"} | ${
        c.counted === 0 ? "**0**" : c.counted
      } | ${props} | ${c.properties.length - props} |`
    )
  }
  if (untested.length > 0) {
    out.push("", "**Rules without a test:** " + untested.map((c) => code(c.rule.id)).join(", ") + ".")
  }
  out.push("", "## Rules", "")
  for (const c of coverage) {
    const r = c.rule
    out.push(`### ${r.id}`, "", r.statement, "")
    out.push("**Sources**", "", ...r.sources.map((s) => `- ${sourceText(s, notes)}`), "")
    out.push(`**Gateway codes:** ${r.gatewayCodes.map(code).join(", ") || "none"}`, "")
    out.push(
      "**Enforced by**",
      "",
      ...c.enforcers.map((e) =>
        e.exists
          ? `- ${code(e.ref)}: ${fileLink(e.file, e.line)}`
          : `- ${code(e.ref)}: **missing** (${code(e.file)} does not exist)`
      ),
      ""
    )
    if (c.raisedIn.length > 0) {
      out.push("**Raised in**", "", ...c.raisedIn.map((s) => `- ${code(s.label)} in ${fileLink(s.file, s.line)}`), "")
    }
    out.push("**Tests**", "")
    if (c.tests.length === 0) out.push("- **none yet**")
    for (const t of c.tests) {
      const mark = t.status === "skipped" ? " *(skipped: not counted)*" : t.status === "conditional" ? " *(conditional)*" : ""
      out.push(`- ${fileLink(t.file, t.line)}${t.kind === "suite" ? " (suite)" : ""}: ${cell(t.title)}${mark}`)
    }
    out.push("", "**Conformance**", "")
    if (c.properties.length === 0) out.push("- none")
    for (const p of c.properties) {
      out.push(`- ${p.kind === "property" ? "property" : "named in"} ${code(p.label)}: ${fileLink(p.file, p.line)}`)
    }
    out.push("")
  }

  out.push(
    "## Error catalogue",
    "",
    "The stable codes of `TokenError` (`packages/core/src/TokenError.ts`) and the gateway codes they carry.",
    "Tests assert `_tag` and `code`, never the message.",
    "",
    "| Code | Meaning | ACI | Axerve |",
    "|---|---|---|---|"
  )
  for (const [codeName, entry] of Object.entries(TokenError.catalogue) as Array<
    [string, { readonly description: string; readonly aci?: string; readonly axerve?: string }]
  >) {
    out.push(`| ${code(codeName)} | ${cell(entry.description)} | ${entry.aci ?? ""} | ${entry.axerve ?? ""} |`)
  }

  const docs = [...new Set(Rules.all.flatMap((r) => r.sources.map((s) => s.document)))]
  out.push("", "## Documents cited", "", "| Document | Where to read it |", "|---|---|")
  for (const d of docs) {
    const url = SOURCE_LINKS[d]
    const seed = /^seed (\d{3}) /.exec(d)
    const where = [
      url !== undefined && url !== "" ? `<${url}>` : "",
      seed !== null ? `seed file ${code(SEED_FILES[seed[1]!] ?? "?")}` : "",
      url === "" ? "ISO (purchase); cited by clause" : ""
    ].filter((x) => x !== "").join("; ")
    out.push(`| ${cell(d)} | ${where || "—"} |`)
  }
  out.push("")
  return out.join("\n")
}

// ---------------------------------------------------------------------------
// docs/domain.md: generated sections, computed by the code they describe
// ---------------------------------------------------------------------------

const ok = <A>(r: { readonly _tag: string } & object): A => {
  const res = r as unknown as { _tag: "Success"; success: A } | { _tag: "Failure"; failure: unknown }
  if (res._tag !== "Success") throw new Error(`expected a success: ${JSON.stringify(res)}`)
  return res.success
}

const date = (s: string): IsoDate.IsoDate => {
  const d = IsoDate.parse(s)
  if (d === undefined) throw new Error(`bad date ${s}`)
  return d
}

const human = (d: IsoDate.IsoDate): string => {
  const { day, month, year } = IsoDate.toParts(d)
  const m = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][month - 1]
  return `${day}-${m}-${year}`
}

/** Y1 = 2025 in the examples; "Y2" etc. are printed beside the real years. */
const Y1 = 2025
const yearName = (y: number): string => `Y${y - Y1 + 1}`
const seedNotation = (d: IsoDate.IsoDate): string => {
  const { day, month, year } = IsoDate.toParts(d)
  const m = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][month - 1]
  return `${day}-${m}-${yearName(year)}`
}

const statusSection = (): string => {
  const lines = [
    "| From (row) / event (column) | " + TokenStatus.events.map(code).join(" | ") + " |",
    "|---|" + TokenStatus.events.map(() => "---").join("|") + "|"
  ]
  for (const from of TokenStatus.statuses) {
    const cells = TokenStatus.events.map((event) => {
      const r = TokenStatus.transition(from, event)
      if (r._tag === "Success") return `→ ${code(r.success)}`
      const e = r.failure
      return `refused: ${code(e.code)}${e.gatewayCode === undefined ? "" : ` (${e.gatewayCode})`}`
    })
    lines.push(`| ${code(from)} | ${cells.join(" | ")} |`)
  }
  lines.push(
    "",
    "A status-update request names the target status (AlliancePay's `state`); it maps to an event by",
    "`TokenStatus.eventFor`: " +
      TokenStatus.statuses.map((s) => `${code(s)} → ${code(TokenStatus.eventFor[s])}`).join(", ") + "."
  )
  return lines.join("\n")
}

const formatsSection = (): string => {
  const random = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff)
  const pan = ok<Pan.Pan>(Pan.parse("4111111111111111"))
  const lines = [
    "| Format | Gateway | Pattern | Length | Random bits | Embeds PAN digits | Rule | Example (fixed bytes) |",
    "|---|---|---|---:|---:|---|---|---|"
  ]
  for (const name of TokenFormat.names) {
    const f = TokenFormat.formats[name]
    const example = TokenFormat.generate(name, {
      random,
      prefix: "XYZW",
      pan,
      customValue: name === "custom" ? "JOHN_SMITH_5533" : undefined
    })
    const ex = example._tag === "Success" ? code(example.success) : `(${example.failure.code})`
    lines.push(
      `| ${code(name)} | ${f.gateway} | ${code(String(f.pattern))} | ${f.length.min === f.length.max ? f.length.min : `${f.length.min}–${f.length.max}`} | ${f.entropyBits} | ${f.embedsPanDigits ? "first 2 + last 4" : "no"} | [${f.rule}](rules.md#${
        anchor(f.rule)
      }) | ${ex} |`
    )
  }
  lines.push(
    "",
    "Examples are generated by `TokenFormat.generate` from fixed bytes, merchant prefix `XYZW` and the test card",
    "`4111111111111111`; real tokens use fresh CSPRNG bytes. The custom example is Axerve's own",
    "(`JOHN_SMITH_5533` → `XYZWJOHN_SMITH_5533`)."
  )
  return lines.join("\n")
}

const customSection = (): string => {
  const codes = (id: string) => Rules.get(id)?.gatewayCodes.join(", ") ?? ""
  const lines = [
    "| Rule | Limit | Axerve code |",
    "|---|---|---|",
    `| [CUSTOM-TOKEN-LENGTH](rules.md#custom-token-length) | ${CustomToken.limits.minLength} to ${CustomToken.limits.maxLength} characters | ${
      codes("CUSTOM-TOKEN-LENGTH")
    } |`,
    `| [CUSTOM-TOKEN-DIGITS](rules.md#custom-token-digits) | at most ${CustomToken.limits.maxDigits} digits | ${codes("CUSTOM-TOKEN-DIGITS")} |`,
    `| [CUSTOM-TOKEN-CHARSET](rules.md#custom-token-charset) | ${code(String(CustomToken.limits.charset))} (letters, digits, \`_\`) | ${
      codes("CUSTOM-TOKEN-CHARSET")
    } |`,
    `| [CUSTOM-TOKEN-CASE](rules.md#custom-token-case) | case-insensitive, stored uppercase | — |`,
    `| [CUSTOM-TOKEN-UNIQUE](rules.md#custom-token-unique) | not already used for another card | ${codes("CUSTOM-TOKEN-UNIQUE")} |`,
    "",
    "What `CustomToken.validate` answers (one error lists every rule a value breaks; `gatewayCode` is the first):",
    "",
    "| Requested value | Result |",
    "|---|---|"
  ]
  for (const v of ["JOHN_SMITH_5533", "jack_jones_1234", "SHORT", "ABC123456789", "JOHN-SMITH-55", "1234567890", "A".repeat(21)]) {
    const r = CustomToken.validate(v)
    const res = r._tag === "Success"
      ? `accepted as ${code(r.success)}`
      : `${code(r.failure.code)}: ` +
        (r.failure.violations ?? []).map((x) => `${x.rule} (${x.gatewayCode ?? "—"})`).join(", ")
    lines.push(`| ${code(v)} | ${res} |`)
  }
  return lines.join("\n")
}

interface RetentionExample {
  readonly what: string
  readonly anchor: Retention.Anchor
  readonly extended: boolean
  /** The date the source states, checked against the code. */
  readonly expect?: string | undefined
  readonly source?: string | undefined
}

const retentionSection = (notes: Notes): string => {
  const card = (month: number, year: number): Retention.Anchor => ({ _tag: "Card", expiry: ok<Expiry.Expiry>(Expiry.make(month, year)) })
  const nonCard = (d: string): Retention.Anchor => ({ _tag: "NonCard", lastActivity: date(d) })
  const examples: ReadonlyArray<RetentionExample> = [
    {
      what: "Card valid through Jan-Y1 (expires at 1-Feb-Y1)",
      anchor: card(1, Y1),
      extended: false,
      expect: `${Y1 + 1}-04-01`,
      source: "seed 000, Token extension: expiry 1-Feb-Y1 → deleted 1-Apr-Y2"
    },
    {
      what: "Card expiry Dec-Y1 (valid through 31-Dec-Y1)",
      anchor: card(12, Y1),
      extended: false,
      expect: `${Y1 + 2}-03-01`,
      source: "ACI Data Retention Policy, card token data: expiry Dec-Y1 → retained till 1-Mar-Y3"
    },
    { what: "Card valid through Jan-Y1, extended", anchor: card(1, Y1), extended: true, expect: `${Y1 + 2}-02-01` },
    { what: "Card expiry Dec-Y1, extended", anchor: card(12, Y1), extended: true, expect: `${Y1 + 3}-01-01` },
    { what: "Non-card, last transaction 15-Mar-Y1", anchor: nonCard(`${Y1}-03-15`), extended: false, expect: `${Y1 + 1}-05-15` },
    {
      what: "Non-card, last transaction 31-Dec-Y1 (clamped: no 31 Feb)",
      anchor: nonCard(`${Y1}-12-31`),
      extended: false,
      expect: `${Y1 + 2}-02-28`
    },
    { what: "Non-card, last transaction 31-Dec-2022 (clamped to a leap day)", anchor: nonCard("2022-12-31"), extended: false, expect: "2024-02-29" },
    { what: "Non-card, last transaction 29-Feb-2024 (leap day kept: April has a 29th)", anchor: nonCard("2024-02-29"), extended: false, expect: "2025-04-29" },
    { what: "Non-card, last transaction 31-Jul-Y1 (clamped to 30 Sep)", anchor: nonCard(`${Y1}-07-31`), extended: false, expect: `${Y1 + 1}-09-30` },
    { what: "Non-card, last transaction 31-Dec-Y1, extended", anchor: nonCard(`${Y1}-12-31`), extended: true, expect: `${Y1 + 2}-12-31` },
    { what: "Non-card, last transaction 29-Feb-2024, extended (clamped to 28 Feb)", anchor: nonCard("2024-02-29"), extended: true, expect: "2026-02-28" }
  ]
  const lines = [
    `Computed by \`Retention.retainUntil\` with Y1 = ${Y1}. The generator fails if a stated date disagrees with the code.`,
    "",
    "| Example | Period | Anchor | Purge date (`retainUntil`) | Source |",
    "|---|---:|---|---|---|"
  ]
  for (const ex of examples) {
    const until = Retention.retainUntil(ex.anchor, ex.extended)
    if (ex.expect !== undefined && until !== ex.expect) {
      notes.errors.push(`docs/domain.md retention example "${ex.what}": the code gives ${until}, the example states ${ex.expect}`)
    }
    const from = ex.anchor._tag === "Card" ? Expiry.expiresOn(ex.anchor.expiry) : ex.anchor.lastActivity
    const yearly = ex.anchor._tag === "Card" || from.startsWith(String(Y1))
    lines.push(
      `| ${cell(ex.what)} | ${Retention.periodMonths(ex.extended)} months | ${human(from)} | **${human(until)}**${
        yearly ? ` (${seedNotation(until)})` : ""
      } | ${cell(ex.source ?? "")} |`
    )
  }
  return lines.join("\n")
}

/** Every Luhn policy, checked against `Pan.LuhnPolicy` both ways by `satisfies`. */
const LUHN_POLICIES = { enforce: true, report: true } as const satisfies Record<Pan.LuhnPolicy, true>

const luhnSection = (notes: Notes): string => {
  // PAN-LUHN's statement names its exception by policy value; that value must be one the code has.
  const statement = Rules.all.find((r) => r.id === "PAN-LUHN")?.statement ?? ""
  for (const [, named] of statement.matchAll(/`([^`]+)`/g)) {
    if (!Object.hasOwn(LUHN_POLICIES, named!)) {
      notes.errors.push(`PAN-LUHN statement names the Luhn policy \`${named}\`; Pan.LuhnPolicy has ${Object.keys(LUHN_POLICIES).join(", ")}`)
    }
  }
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["1234567890123456", "Axerve seed (002), Token Values example card"],
    ["5573670000000304", "AlliancePay seed (003), decrypted `encryptedCardNumber` example"],
    ["4111111111111111", "a Luhn-valid test card, for contrast"]
  ]
  const lines = ["| Card number | Where it comes from | `luhn: \"enforce\"` (default) | `luhn: \"report\"` |", "|---|---|---|---|"]
  for (const [digits, where] of cases) {
    const show = (policy: Pan.LuhnPolicy): string => {
      const r = Pan.parse(digits, { luhn: policy })
      return r._tag === "Success"
        ? `accepted, \`luhnValid: ${r.success.luhnValid}\` (CheckDigit ${r.success.luhnValid ? "OK" : "KO"})`
        : `refused: ${code(r.failure.code)}`
    }
    const enforce = show("enforce")
    if (digits !== "4111111111111111" && !enforce.startsWith("refused")) {
      notes.errors.push(`docs/domain.md Luhn example ${digits}: expected the default policy to refuse it`)
    }
    lines.push(`| ${code(digits)} | ${where} | ${enforce} | ${show("report")} |`)
  }
  return lines.join("\n")
}

const paymentSection = (): string => {
  const flags: ReadonlyArray<readonly [string, PaymentTokenization.Flags]> = [
    ["`createRegistration=true` (ACI)", { createRegistration: true }],
    ["`requestToken=MASKEDPAN` (Axerve)", { requestToken: "MASKEDPAN" }],
    ["`requestToken=JOHN_SMITH_5533` (Axerve custom)", { requestToken: "JOHN_SMITH_5533" }],
    ["`requestToken=:FORCED:MASKEDPAN`", { requestToken: ":FORCED:MASKEDPAN" }],
    ["`requestToken=:FORCED:JOHN_SMITH_5533`", { requestToken: ":FORCED:JOHN_SMITH_5533" }],
    ["`requestToken=SHORT` (invalid custom value)", { requestToken: "SHORT" }],
    ["both `createRegistration` and `requestToken`", { createRegistration: true, requestToken: "MASKEDPAN" }],
    ["neither", {}]
  ]
  const outcomes: ReadonlyArray<PaymentTokenization.Outcome> = ["AUTHORIZED", "VERIFIED", "DECLINED"]
  const lines = [
    "| Request | " + outcomes.map((o) => `${code(o)}${o === "VERIFIED" ? " (zero amount)" : ""}`).join(" | ") + " |",
    "|---|" + outcomes.map(() => "---").join("|") + "|"
  ]
  for (const [label, f] of flags) {
    const cells = outcomes.map((o) => {
      const r = PaymentTokenization.decide(f, o)
      if (r._tag === "Failure") return `refused: ${code(r.failure.code)}${r.failure.gatewayCode === undefined ? "" : ` (${r.failure.gatewayCode})`}`
      return r.success._tag === "NoToken" ? "no token" : `${code(r.success.format)} token`
    })
    lines.push(`| ${label} | ${cells.join(" | ")} |`)
  }
  return lines.join("\n")
}

const cofSection = (): string => {
  const now = DateTime.makeUnsafe(`${Y1}-06-15T12:00:00Z`)
  const base: PaymentUse.TokenState = {
    status: "ACTIVE",
    retainUntil: date(`${Y1 + 2}-01-01`),
    expiry: ok<Expiry.Expiry>(Expiry.make(12, Y1 + 1)),
    agreements: []
  }
  const recurring: PaymentUse.TokenState = { ...base, agreements: [{ type: "RECURRING", initialTransactionId: "tx-1" }] }
  const cases: ReadonlyArray<readonly [string, PaymentUse.TokenState, unknown]> = [
    ["CIT INITIAL RECURRING, no agreement yet", base, { source: "CIT", mode: "INITIAL", type: "RECURRING" }],
    ["CIT REPEATED UNSCHEDULED (one-click)", base, { source: "CIT", mode: "REPEATED", type: "UNSCHEDULED" }],
    ["MIT REPEATED RECURRING, no agreement", base, { source: "MIT", mode: "REPEATED", type: "RECURRING", initialTransactionId: "tx-1" }],
    ["MIT REPEATED RECURRING, RECURRING agreement `tx-1`, carries `tx-1`", recurring, {
      source: "MIT",
      mode: "REPEATED",
      type: "RECURRING",
      initialTransactionId: "tx-1"
    }],
    ["MIT REPEATED RECURRING, RECURRING agreement `tx-1`, carries `tx-2`", recurring, {
      source: "MIT",
      mode: "REPEATED",
      type: "RECURRING",
      initialTransactionId: "tx-2"
    }],
    ["MIT REPEATED RECURRING, RECURRING agreement `tx-1`, carries no id", recurring, { source: "MIT", mode: "REPEATED", type: "RECURRING" }],
    ["MIT REPEATED INSTALLMENT, only a RECURRING agreement", recurring, {
      source: "MIT",
      mode: "REPEATED",
      type: "INSTALLMENT",
      initialTransactionId: "tx-1"
    }],
    ["MIT INITIAL RECURRING", base, { source: "MIT", mode: "INITIAL", type: "RECURRING" }]
  ]
  const lines = ["| Use | Outcome |", "|---|---|"]
  for (const [label, state, raw] of cases) {
    const use = PaymentUse.decodeUse(raw)
    const r = use._tag === "Failure" ? use : PaymentUse.authorize(state, use.success, now)
    const res = r._tag === "Success"
      ? `allowed${r.success.createsAgreement === undefined ? "" : `; sets up a ${code(r.success.createsAgreement)} agreement`}`
      : `refused: ${code(r.failure.code)}${r.failure.gatewayCode === undefined ? "" : ` (${r.failure.gatewayCode})`}, rule ${r.failure.rule ?? "—"}`
    lines.push(`| ${label} | ${res} |`)
  }
  return lines.join("\n")
}

const replaceSection = (text: string, name: string, content: string, notes: Notes, file = "docs/domain.md"): string => {
  const start = `<!-- generated:${name}:start -->`
  const end = `<!-- generated:${name}:end -->`
  const i = text.indexOf(start)
  const j = text.indexOf(end)
  if (i < 0 || j < i) {
    notes.errors.push(`${file} has no "${start}" … "${end}" markers`)
    return text
  }
  return `${text.slice(0, i + start.length)}\n<!-- Generated by \`pnpm run docs\`; edit scripts/docs.ts, not this block. -->\n\n${content}\n\n${text.slice(j)}`
}

// ---------------------------------------------------------------------------
// docs/architecture.md: the dependency picture, from package.json and imports
// ---------------------------------------------------------------------------

interface PackageDeps {
  readonly pkg: (typeof PACKAGES)[number]
  readonly declared: ReadonlyArray<string>
  /** Imported package → first file that imports it (from `src`). */
  readonly imported: ReadonlyMap<string, string>
  /** `@tokenvault/*` packages the package's tests import (the kit, for adapters). */
  readonly testImports: ReadonlySet<string>
}

/** `effect/cli` → `effect`, `@tokenvault/vault/TokenStore` → `@tokenvault/vault`, `node:fs/promises` → `node:*`. */
const packageOfSpecifier = (spec: string): string | undefined => {
  if (spec.startsWith(".") || spec.startsWith("/")) return undefined
  if (spec.startsWith("node:")) return "node:*"
  const parts = spec.split("/")
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]
}

const importsOf = (file: string): Array<string> => {
  const out: Array<string> = []
  forEachNode(parse(file), (n) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier !== undefined && ts.isStringLiteral(n.moduleSpecifier)) {
      out.push(n.moduleSpecifier.text)
    } else if (
      ts.isCallExpression(n) && n.arguments.length === 1 && ts.isStringLiteral(n.arguments[0]!) &&
      (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === "require"))
    ) {
      out.push((n.arguments[0] as ts.StringLiteral).text)
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      out.push(n.argument.literal.text)
    }
  })
  return out
}

const scanDependencies = (notes: Notes): Array<PackageDeps> => {
  const result: Array<PackageDeps> = []
  for (const pkg of PACKAGES) {
    const manifest = path.join(ROOT, pkg.dir, "package.json")
    if (!existsSync(manifest) || !existsSync(path.join(ROOT, pkg.dir, "src"))) continue
    const json = JSON.parse(readFileSync(manifest, "utf8")) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }
    const declared = [...Object.keys(json.dependencies ?? {}), ...Object.keys(json.peerDependencies ?? {})]
    const imported = new Map<string, string>()
    for (const file of walk(`${pkg.dir}/src`, ".ts")) {
      for (const spec of importsOf(file)) {
        const dep = packageOfSpecifier(spec)
        if (dep === undefined) continue
        if (!imported.has(dep)) imported.set(dep, file)
        const forbidden = FORBIDDEN_IMPORTS[pkg.short] ?? []
        if (forbidden.includes(dep)) {
          notes.errors.push(`dependency rule: ${file} imports ${spec}; ${pkg.name} may not import ${dep}`)
        } else if (dep !== "node:*" && dep !== pkg.name && !declared.includes(dep)) {
          notes.errors.push(`dependency rule: ${file} imports ${spec}, which ${pkg.dir}/package.json does not declare`)
        }
        if (/^@tokenvault\/[^/]+\/internal(\/|$)/.test(spec)) {
          notes.errors.push(`dependency rule: ${file} imports ${spec}, another package's internal module`)
        }
      }
    }
    const testImports = new Set<string>()
    for (const file of walk(`${pkg.dir}/test`, ".ts")) {
      for (const spec of importsOf(file)) {
        const dep = packageOfSpecifier(spec)
        if (dep !== undefined && dep.startsWith("@tokenvault/") && dep !== pkg.name) testImports.add(dep)
      }
    }
    result.push({ pkg, declared, imported, testImports })
  }
  for (const d of result) {
    if (d.declared.includes("@tokenvault/cli")) notes.errors.push(`dependency rule: ${d.pkg.name} depends on @tokenvault/cli; nothing may`)
  }
  return result
}

const nodeId = (name: string): string => name.replace(/^@tokenvault\//, "").replace(/[^a-zA-Z0-9]/g, "_")

const dependencySection = (deps: ReadonlyArray<PackageDeps>): string => {
  const internal = (d: PackageDeps) => [...d.imported.keys()].filter((k) => k.startsWith("@tokenvault/")).sort()
  const external = (d: PackageDeps) => [...d.imported.keys()].filter((k) => !k.startsWith("@tokenvault/")).sort()
  const lines = ["```mermaid", "flowchart TD"]
  for (const d of deps) {
    lines.push(`  ${nodeId(d.pkg.name)}["<b>${d.pkg.name}</b><br/>${d.pkg.role}<br/><i>${external(d).join(", ") || "no external imports"}</i>"]`)
  }
  for (const d of deps) {
    for (const to of internal(d)) lines.push(`  ${nodeId(d.pkg.name)} --> ${nodeId(to)}`)
  }
  for (const d of deps) {
    for (const to of [...d.testImports].sort()) {
      if (!internal(d).includes(to)) lines.push(`  ${nodeId(d.pkg.name)} -. tests .-> ${nodeId(to)}`)
    }
  }
  lines.push("```", "")
  lines.push(
    "Solid arrows: imports from `src` (`A --> B`: A imports B). Dotted arrows: imports that appear only in a",
    "package's `test` folder (for an adapter, running the conformance kit). Italics: the other modules each",
    "package's `src` imports (`node:*` is any Node.js built-in).",
    "",
    "| Package | Folder | Declared dependencies | Imported by `src` | Imported by tests only |",
    "|---|---|---|---|---|"
  )
  for (const d of deps) {
    const testOnly = [...d.testImports].filter((t) => !d.imported.has(t)).sort()
    lines.push(
      `| ${code(d.pkg.name)} | ${code(d.pkg.dir)} | ${d.declared.map(code).join(", ") || "—"} | ${
        [...d.imported.keys()].sort().map(code).join(", ") || "—"
      } | ${testOnly.map(code).join(", ") || "—"} |`
    )
  }
  const missing = PACKAGES.filter((p) => !deps.some((d) => d.pkg === p))
  if (missing.length > 0) lines.push("", `Not yet present: ${missing.map((p) => code(p.name)).join(", ")}.`)
  return lines.join("\n")
}

// ---------------------------------------------------------------------------
// Part 1: rules
// ---------------------------------------------------------------------------

const runRules = (): boolean => {
  const notes: Notes = { unknownTags: [], dynamicTitles: [], unlinkedSources: new Set(), errors: [] }
  const ids = Rules.all.map((r) => r.id)
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i)
  if (dupes.length > 0) notes.errors.push(`duplicate rule IDs in the registry: ${dupes.join(", ")}`)

  const tests = scanTests(notes)
  const properties = scanProperties()
  const sources = scanSources()
  const coverage: Array<Coverage> = Rules.all.map((rule) => {
    const t = tests.get(rule.id) ?? []
    return {
      rule,
      enforcers: rule.enforcedBy.map(resolveEnforcer),
      raisedIn: sources.get(rule.id) ?? [],
      tests: t,
      counted: t.filter((x) => x.status !== "skipped").length,
      properties: properties.get(rule.id) ?? []
    }
  })

  for (const c of coverage) {
    if (c.rule.sources.length === 0) notes.errors.push(`${c.rule.id}: the registry cites no source`)
    if (c.enforcers.length === 0) notes.errors.push(`${c.rule.id}: the registry names no enforcing code (enforcedBy)`)
    for (const e of c.enforcers) {
      if (!e.exists) notes.errors.push(`${c.rule.id}: enforcedBy ${e.ref} names ${e.file}, which does not exist`)
      else if (e.ref.includes(".") && e.line === undefined) {
        notes.errors.push(`${c.rule.id}: enforcedBy ${e.ref}: no declaration of that symbol found in ${e.file}`)
      }
    }
  }

  writeFileSync(path.join(ROOT, "docs/rules.md"), renderRules(coverage, notes))

  const domainPath = path.join(ROOT, "docs/domain.md")
  if (existsSync(domainPath)) {
    let domain = readFileSync(domainPath, "utf8")
    domain = replaceSection(domain, "status-table", statusSection(), notes)
    domain = replaceSection(domain, "retention-examples", retentionSection(notes), notes)
    domain = replaceSection(domain, "token-formats", formatsSection(), notes)
    domain = replaceSection(domain, "custom-token-rules", customSection(), notes)
    domain = replaceSection(domain, "luhn-examples", luhnSection(notes), notes)
    domain = replaceSection(domain, "payment-tokenization", paymentSection(), notes)
    domain = replaceSection(domain, "card-on-file", cofSection(), notes)
    writeFileSync(domainPath, domain)
  } else {
    notes.errors.push("docs/domain.md does not exist")
  }

  const deps = scanDependencies(notes)
  const archPath = path.join(ROOT, "docs/architecture.md")
  if (existsSync(archPath)) {
    const arch = readFileSync(archPath, "utf8")
    writeFileSync(archPath, replaceSection(arch, "dependency-graph", dependencySection(deps), notes, "docs/architecture.md"))
  } else {
    notes.errors.push("docs/architecture.md does not exist")
  }

  const untested = coverage.filter((c) => c.counted === 0)
  const totalTests = new Set([...tests.values()].flat().map((t) => `${t.file}:${t.line}`)).size
  console.log(`rules: ${coverage.length} rules, ${totalTests} tagged tests, ${coverage.length - untested.length} rules tested → docs/rules.md`)
  for (const u of notes.unknownTags) console.log(`  note: ${u}`)
  for (const d of notes.dynamicTitles) console.log(`  note: rule tag built at run time, not counted: ${d}`)
  for (const s of notes.unlinkedSources) console.log(`  note: no public address known for source "${s}" (add it to SOURCE_LINKS)`)
  if (untested.length > 0) {
    notes.errors.push(
      `${plural(untested.length, "rule")} without a test (a title naming [RULE-ID] in packages/*/test or conformance/test):\n` +
        untested.map((c) => `    ${c.rule.id}`).join("\n")
    )
  }
  for (const e of notes.errors) console.error(`  ERROR: ${e}`)
  return notes.errors.length === 0
}

// ---------------------------------------------------------------------------
// Part 2: API docs with TypeDoc
// ---------------------------------------------------------------------------

/**
 * The docblock that opens a file, as a TypeDoc comment: its text is the
 * summary and its `@tag value` lines are block tags. `undefined` when the file
 * does not open with a docblock that has text.
 */
const openingDocblock = (file: string): td.Comment | undefined => {
  if (!existsSync(file)) return undefined
  const m = /^\s*\/\*\*([\s\S]*?)\*\//.exec(readFileSync(file, "utf8"))
  if (m === null) return undefined
  const lines = m[1]!.split("\n").map((l) => l.replace(/^\s*\* ?/, "").trimEnd())
  const firstTag = lines.findIndex((l) => l.startsWith("@"))
  const summary = (firstTag < 0 ? lines : lines.slice(0, firstTag)).join("\n").trim()
  if (summary === "") return undefined
  const tags = (firstTag < 0 ? [] : lines.slice(firstTag))
    .filter((l) => /^@[a-zA-Z]+/.test(l) && !l.startsWith("@packageDocumentation") && !l.startsWith("@module"))
    .map((l) => {
      const [, tag, text] = /^(@[a-zA-Z]+)\s*(.*)$/.exec(l)!
      return new td.CommentTag(tag as `@${string}`, [{ kind: "text", text: text! }])
    })
  return new td.Comment([{ kind: "text", text: summary }], tags)
}

/** Which package a TypeDoc message is about: the first package name or path in it. */
const packageOfMessage = (message: string): string => {
  let best: { readonly at: number; readonly short: string } | undefined
  for (const p of PACKAGES) {
    for (const needle of [`${p.name}/`, `${p.name}.`, `${p.name} `, `${p.dir}/`]) {
      const at = message.indexOf(needle)
      if (at >= 0 && (best === undefined || at < best.at)) best = { at, short: p.short }
    }
  }
  return best?.short ?? "(general)"
}

const runApi = async (only: ReadonlyArray<string> | undefined): Promise<boolean> => {
  const selected = PACKAGES.filter((p) => only === undefined || only.includes(p.short))
  const present = selected.filter((p) => existsSync(path.join(ROOT, p.dir, "src/index.ts")))
  const absent = selected.filter((p) => !present.includes(p))
  if (absent.length > 0) console.log(`api: skipping packages without src/index.ts: ${absent.map((p) => p.short).join(", ")}`)
  if (present.length === 0) {
    console.error("  ERROR: no package to document")
    return false
  }

  // A tsconfig over the documented packages only, so a package left out does not
  // break the program (it extends tsconfig.typedoc.json).
  const cacheDir = path.join(ROOT, "node_modules/.cache/tokenvault-docs")
  mkdirSync(cacheDir, { recursive: true })
  const tsconfig = path.join(cacheDir, "tsconfig.json")
  writeFileSync(
    tsconfig,
    JSON.stringify(
      { extends: path.join(ROOT, "tsconfig.typedoc.json"), include: present.map((p) => path.join(ROOT, p.dir, "src")) },
      null,
      2
    )
  )

  // typedoc.json is read here rather than by TypeDoc's own reader, which would
  // apply its `tsconfig` and `entryPoints` (meant for a bare `typedoc` run) over these.
  const config = JSON.parse(readFileSync(path.join(ROOT, "typedoc.json"), "utf8")) as Record<string, unknown>
  delete config["$schema"]
  delete config["entryPoints"]
  delete config["tsconfig"]
  const messages: Array<{ readonly level: td.LogLevel; readonly text: string }> = []
  const convert = async (skipErrorChecking: boolean) => {
    const app = await td.Application.bootstrapWithPlugins(
      {
        ...config,
        entryPoints: present.map((p) => path.join(ROOT, p.dir, "src/index.ts")),
        packagesRequiringDocumentation: present.map((p) => p.name),
        tsconfig,
        skipErrorChecking
      } as td.TypeDocOptions,
      [new td.TSConfigReader()]
    )
    const log = app.logger.log.bind(app.logger)
    app.logger.log = (text: string, level: td.LogLevel) => {
      if (level >= td.LogLevel.Warn) messages.push({ level, text })
      log(text, level)
    }
    // Name each entry-point module after its package (`@tokenvault/core`), not its folder, and
    // take the package's documentation from the docblock that opens its src/index.ts (the
    // conventions require one), so no TypeDoc-specific tag is needed there.
    app.converter.on(td.Converter.EVENT_RESOLVE_BEGIN, (context: td.Context) => {
      for (const child of context.project.children ?? []) {
        const id = context.project.getSymbolIdFromReflection(child)
        if (!child.kindOf(td.ReflectionKind.Module) || id === undefined || !id.packageName.startsWith("@tokenvault/")) continue
        child.name = id.packageName
        const pkg = PACKAGES.find((p) => p.name === id.packageName)
        if (!child.hasComment() && pkg !== undefined) {
          const comment = openingDocblock(path.join(ROOT, pkg.dir, id.packagePath))
          if (comment !== undefined) child.comment = comment
        }
      }
    })
    const project = await app.convert()
    return { app, project }
  }

  let { app, project } = await convert(false)
  let passed = true
  if (project === undefined) {
    passed = false
    console.error("  ERROR: TypeScript reported errors; converting again without type checking to list documentation warnings")
    ;({ app, project } = await convert(true))
  }
  if (project !== undefined) {
    app.validate(project)
    if (app.logger.hasErrors() || app.logger.hasWarnings()) passed = false
    if (passed) await app.generateOutputs(project)
    if (app.logger.hasErrors() || app.logger.hasWarnings()) passed = false
  } else {
    passed = false
  }

  const byPackage = new Map<string, number>()
  for (const m of messages) {
    const p = packageOfMessage(m.text)
    byPackage.set(p, (byPackage.get(p) ?? 0) + 1)
  }
  const documented = present.map((p) => p.short).join(", ")
  if (passed) {
    console.log(`api: TypeDoc passed with no warnings over ${documented} → docs/api/`)
  } else {
    console.error(
      `api: TypeDoc failed over ${documented}: ` +
        ([...byPackage].map(([p, n]) => `${p}: ${plural(n, "message")}`).join("; ") || "see the messages above")
    )
    if (messages.some((m) => m.text.includes("(Module)") && m.text.includes("does not have any documentation"))) {
      console.error("  hint: a package's documentation is the docblock that opens its src/index.ts; it has none")
    }
    console.error("  (fix the JSDoc of the packages named, or document fewer with --packages)")
  }
  return passed
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

const argValue = (name: string): string | undefined => {
  const i = process.argv.findIndex((a) => a === name || a.startsWith(`${name}=`))
  if (i < 0) return undefined
  const arg = process.argv[i]!
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : process.argv[i + 1]
}

const main = async (): Promise<void> => {
  const only = argValue("--only")
  if (only !== undefined && only !== "rules" && only !== "api") {
    console.error("--only takes rules or api")
    process.exit(2)
  }
  const packages = argValue("--packages")?.split(",").map((s) => s.trim()).filter((s) => s !== "")
  const unknown = packages?.filter((s) => !PACKAGES.some((p) => p.short === s)) ?? []
  if (unknown.length > 0) {
    console.error(`unknown packages: ${unknown.join(", ")} (known: ${PACKAGES.map((p) => p.short).join(", ")})`)
    process.exit(2)
  }
  const rulesOk = only === "api" ? true : runRules()
  const apiOk = only === "rules" ? true : await runApi(packages)
  if (!rulesOk || !apiOk) {
    console.error(`docs: FAILED (${[rulesOk ? "" : "rules", apiOk ? "" : "api"].filter((x) => x !== "").join(", ")})`)
    process.exit(1)
  }
  console.log("docs: ok")
}

await main()
