/**
 * TOKEN-RANDOM at the source level: the core takes time and random bytes as
 * inputs. Its source (read with node:fs) imports no Node module, no Effect
 * service (Context, Layer, Clock, Random), and reads no clock or randomness
 * (Date.now, new Date(), Math.random, crypto, performance.now, process).
 * Comments are skipped by the TypeScript scanner, so prose that mentions
 * `Math.random` is fine.
 */
import { readdirSync, readFileSync } from "node:fs"
import { builtinModules } from "node:module"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it } from "vitest"

const srcDir = fileURLToPath(new URL("../src/", import.meta.url))

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []
  )

const forbiddenEffectImports = new Set(["Context", "Layer", "Clock", "Random"])
const builtins = new Set(builtinModules)

/** The purity violations in one TypeScript source text. */
const violations = (fileName: string, text: string): ReadonlyArray<string> => {
  const found: Array<string> = []
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true)
  const checkSpecifier = (spec: string, where: string): void => {
    if (spec.startsWith("node:") || builtins.has(spec) || builtins.has(spec.split("/")[0]!)) found.push(`${where}: imports ${spec}`)
    const effectModule = /^effect\/(.+)$/.exec(spec)?.[1]
    if (effectModule !== undefined && forbiddenEffectImports.has(effectModule)) found.push(`${where}: imports ${spec}`)
  }
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text
      checkSpecifier(spec, fileName)
      if (spec === "effect") {
        const bindings = ts.isImportDeclaration(node) ? node.importClause?.namedBindings : node.exportClause
        if (bindings && (ts.isNamedImports(bindings) || ts.isNamedExports(bindings))) {
          for (const el of bindings.elements) {
            const name = (el.propertyName ?? el.name).text
            if (forbiddenEffectImports.has(name)) found.push(`${fileName}: imports ${name} from effect`)
          }
        }
      }
    }
    if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))) {
      found.push(`${fileName}: dynamic import or require`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)

  // Token sequences, comments skipped.
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, text)
  const tokens: Array<string> = []
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) tokens.push(scanner.getTokenText())
  const seq = (...parts: ReadonlyArray<string>) => tokens.some((_, i) => parts.every((p, j) => tokens[i + j] === p))
  if (seq("Date", ".", "now")) found.push(`${fileName}: Date.now`)
  if (seq("new", "Date")) found.push(`${fileName}: new Date`)
  if (seq("Math", ".", "random")) found.push(`${fileName}: Math.random`)
  if (seq("performance", ".", "now")) found.push(`${fileName}: performance.now`)
  if (tokens.includes("crypto")) found.push(`${fileName}: crypto`)
  if (tokens.includes("process")) found.push(`${fileName}: process`)
  if (tokens.some((t) => /^["'`]node:/.test(t))) found.push(`${fileName}: a node: module name`)
  return found
}

describe("core purity", () => {
  it("[TOKEN-RANDOM] packages/core/src has no node: import, no Context/Layer, no Date.now, new Date() or Math.random", () => {
    const files = sourceFiles(srcDir)
    expect(files.length).toBeGreaterThanOrEqual(20)
    const all = files.flatMap((f) => violations(f.slice(srcDir.length), readFileSync(f, "utf8")))
    expect(all).toEqual([])
    // The raw text check the rule asks for, on the code without comments.
    for (const f of files) {
      const code = readFileSync(f, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")
      expect(code).not.toMatch(/from "node:|Date\.now|new Date\(|Math\.random/)
      expect(code).not.toMatch(/import \{[^}]*\b(Context|Layer)\b[^}]*\} from "effect"/)
    }
  })

  it("[TOKEN-RANDOM] the purity check catches each forbidden construct", () => {
    const bad = [
      `import { readFileSync } from "node:fs"`,
      `import * as fs from "fs"`,
      `import { Context, Effect } from "effect"`,
      `import * as Layer from "effect/Layer"`,
      `const t = Date.now()`,
      `const d = new Date()`,
      `const r = Math.random()`,
      `const b = crypto.getRandomValues(new Uint8Array(16))`,
      `const p = performance.now()`,
      `const e = process.env.X`,
      `const m = await import("node:crypto")`
    ]
    for (const line of bad) expect(violations("bad.ts", line), line).not.toEqual([])
    expect(violations("ok.ts", `/** never Math.random, never Date.now() */\nimport { Result } from "effect"\n// new Date()\n`)).toEqual([])
  })
})
