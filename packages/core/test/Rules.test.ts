/**
 * The rule registry, and the suite's own bookkeeping against it.
 *
 * Tests titled "registry self-check: …" carry no rule tag on purpose: they
 * check the registry and the test files as a whole, and tagging them with
 * rule IDs would make every rule look tested to the docs generator.
 */
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import * as Core from "../src/index.ts"
import * as CustomToken from "../src/CustomToken.ts"
import * as Rules from "../src/Rules.ts"
import * as TokenError from "../src/TokenError.ts"
import { fc, params } from "./fc.ts"
import { anything } from "./support.ts"

const testDir = fileURLToPath(new URL("./", import.meta.url))
const ids = new Set(Rules.all.map((r) => r.id))
const coreRules = Rules.all.filter((r) => r.enforcedBy.some((e) => e.startsWith("core/")))

interface Title {
  readonly file: string
  readonly title: string
  readonly tags: ReadonlyArray<string>
  readonly property: boolean
}

/** Every `it(…)`/`test(…)` title of the core's test files, with its tags and whether its body runs `fc.assert`. */
const titles = (): ReadonlyArray<Title> =>
  readdirSync(testDir)
    .filter((f) => f.endsWith(".test.ts"))
    .flatMap((file) => {
      const text = readFileSync(testDir + file, "utf8")
      const calls = [...text.matchAll(/(?<![.\w])(?:it|test)(?:\.\w+)?\(\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)/g)]
      return calls.map((m, i) => {
        const body = text.slice(m.index, calls[i + 1]?.index ?? text.length)
        const title = m[1]!.slice(1, -1)
        return { file, title, tags: [...title.matchAll(/\[([^\]]*)\]/g)].map((t) => t[1]!), property: body.includes("fc.assert(") }
      })
    })

const selfCheck = (t: Title): boolean => t.file === "Rules.test.ts" && t.title.startsWith("registry self-check:")

describe("Rules", () => {
  it("registry self-check: rule IDs are unique upper-case kebab, and every rule has a statement, a source and an enforcer", () => {
    expect(ids.size).toBe(Rules.all.length)
    for (const r of Rules.all) {
      expect(r.id).toMatch(/^[A-Z0-9]+(?:-[A-Z0-9]+)*$/)
      expect(r.statement.length).toBeGreaterThan(10)
      expect(r.sources.length).toBeGreaterThan(0)
      expect(r.enforcedBy.length).toBeGreaterThan(0)
      for (const e of r.enforcedBy) expect(e).toMatch(/^(core|vault)\/[A-Za-z]+(\.[A-Za-z0-9]+)?$/)
      for (const g of r.gatewayCodes) expect(g).toMatch(/^([0-9]{3}\.[0-9]{3}\.[0-9]{3}|[0-9]{4})$/)
    }
  })

  it("registry self-check: every core enforcer names a real module and export of @tokenvault/core", () => {
    const modules = Core as unknown as Record<string, Record<string, unknown> | undefined>
    for (const r of coreRules) {
      for (const e of r.enforcedBy.filter((x) => x.startsWith("core/"))) {
        const [mod, name] = e.slice("core/".length).split(".") as [string, string | undefined]
        expect(modules[mod], e).toBeDefined()
        // An export of the module, or an entry of one of its tables (core/TokenFormat.registration is formats.registration).
        const exported = modules[mod] ?? {}
        const found = name === undefined || name in exported ||
          Object.values(exported).some((v) => typeof v === "object" && v !== null && name in v)
        expect(found, e).toBe(true)
      }
    }
  })

  it("registry self-check: get finds every rule by its ID, and answers undefined for anything else", () => {
    for (const r of Rules.all) expect(Rules.get(r.id)).toBe(r)
    fc.assert(
      fc.property(anything, (u) => {
        const r = Rules.get(u as string)
        expect(r === undefined || (typeof u === "string" && r.id === u)).toBe(true)
      }),
      params()
    )
  })

  it("registry self-check: every test title names known rule IDs, no test is skipped, and every core rule has a fast-check property test", () => {
    const all = titles()
    expect(all.length).toBeGreaterThan(100)
    for (const t of all) {
      expect(t.title.includes("${"), `${t.file}: dynamic title ${t.title}`).toBe(false)
      for (const tag of t.tags) expect(ids.has(tag), `${t.file}: unknown tag [${tag}] in "${t.title}"`).toBe(true)
      if (!selfCheck(t)) expect(t.tags.length, `${t.file}: untagged test "${t.title}"`).toBeGreaterThan(0)
    }
    const propertyTagged = new Set(all.filter((t) => t.property && !selfCheck(t)).flatMap((t) => t.tags))
    expect(coreRules.map((r) => r.id).filter((id) => !propertyTagged.has(id))).toEqual([])
    for (const file of readdirSync(testDir).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(testDir + file, "utf8")
      expect(text, file).not.toMatch(/\b(?:it|test|describe)\.(?:skip|only|todo|skipIf|runIf)\b/)
      expect(text, file).not.toMatch(new RegExp(["\\bsetTimeout\\(", "\\bsleep\\(", "use" + "FakeTimers"].join("|")))
    }
  })

  it("[CUSTOM-TOKEN-LENGTH] [CUSTOM-TOKEN-DIGITS] [CUSTOM-TOKEN-CHARSET] the registry's custom-token codes are the validator's", () => {
    const codeOf = (value: string, rule: string) =>
      (CustomToken.validate(value) as { failure?: TokenError.TokenError }).failure?.violations?.find((v) => v.rule === rule)?.gatewayCode
    expect(Rules.get("CUSTOM-TOKEN-LENGTH")?.gatewayCodes).toEqual([codeOf("SHORT", "CUSTOM-TOKEN-LENGTH")])
    expect(Rules.get("CUSTOM-TOKEN-DIGITS")?.gatewayCodes).toEqual([codeOf("A123456789", "CUSTOM-TOKEN-DIGITS")])
    expect(Rules.get("CUSTOM-TOKEN-CHARSET")?.gatewayCodes).toEqual([codeOf("JOHN-SMITH-55", "CUSTOM-TOKEN-CHARSET")])
  })

  it("[STATUS-DELETE-TWICE] [RETENTION-PURGE] [USE-ACTIVE] [USE-CARD-NOT-EXPIRED] [COF-MIT-AGREEMENT] [GROUP-ACCESS] the registry's gateway codes are in the error catalogue", () => {
    const codes = (c: TokenError.ErrorCode) => {
      const entry: { readonly description: string; readonly aci?: string; readonly axerve?: string } = TokenError.catalogue[c]
      return [entry.aci, entry.axerve].filter((x) => x !== undefined)
    }
    expect(Rules.get("STATUS-DELETE-TWICE")?.gatewayCodes).toEqual(codes("TOKEN_ALREADY_DELETED"))
    expect(Rules.get("RETENTION-PURGE")?.gatewayCodes).toEqual(codes("RETENTION_EXPIRED"))
    expect(Rules.get("USE-ACTIVE")?.gatewayCodes).toEqual(codes("TOKEN_DELETED"))
    expect(Rules.get("USE-CARD-NOT-EXPIRED")?.gatewayCodes).toEqual(codes("TOKEN_EXPIRED"))
    expect(Rules.get("COF-MIT-AGREEMENT")?.gatewayCodes).toEqual(codes("COF_NO_AGREEMENT"))
    expect(Rules.get("GROUP-ACCESS")?.gatewayCodes).toEqual(codes("TOKEN_NOT_FOUND"))
    const catalogued = new Set(TokenError.errorCodes.flatMap(codes))
    for (const r of Rules.all) {
      for (const g of r.gatewayCodes.filter((x) => x.includes("."))) expect(catalogued.has(g), `${r.id} ${g}`).toBe(true)
    }
  })
})
