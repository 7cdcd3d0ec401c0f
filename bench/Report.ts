/**
 * Renders the figures of a `pnpm bench` run into docs/benchmarks.md, between
 * the `<!-- bench:begin -->` and `<!-- bench:end -->` markers, so the
 * published table is always the output of one whole run on one machine.
 * The prose around the markers (what each figure means, where it stands) is
 * written by hand.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import type { Result } from "./harness.ts"

const BEGIN = "<!-- bench:begin -->"
const END = "<!-- bench:end -->"

/** Whether a result meets its target (`≥ x` or `≤ x` on the ratio); `undefined` when it has none. */
export const meets = (r: Result): boolean | undefined => {
  const m = /^([≥≤])\s*([0-9.]+)/.exec(r.target ?? "")
  if (m === null) return undefined
  const bound = Number(m[2])
  return m[1] === "≥" ? r.ratio >= bound : r.ratio <= bound
}

const verdict = (r: Result): string => {
  const ok = meets(r)
  return ok === undefined ? "—" : ok ? "met" : "**not met**"
}

/** The markdown table for one run. */
export const table = (results: ReadonlyArray<Result>, machine: string, date: string): string =>
  [
    `Run of ${date} on ${machine}.`,
    "",
    "| benchmark | ours | baseline (same run) | baseline | ratio | target | |",
    "|---|---:|---|---:|---:|---|---|",
    ...results.map((r) =>
      `| ${r.name} | ${r.opsPerSec.toLocaleString("en")} | ${r.baseline} | ${r.baselineOpsPerSec.toLocaleString("en")} | ${r.ratio} | ${r.target ?? ""} | ${verdict(r)} |`
    )
  ].join("\n")

/** Replaces the table between the markers of `path` (the file must already hold both markers). */
export const render = (path: string, results: ReadonlyArray<Result>, machine: string, date: string): boolean => {
  if (!existsSync(path)) return false
  const doc = readFileSync(path, "utf8")
  const a = doc.indexOf(BEGIN)
  const b = doc.indexOf(END)
  if (a < 0 || b < a) return false
  writeFileSync(path, `${doc.slice(0, a + BEGIN.length)}\n${table(results, machine, date)}\n${doc.slice(b)}`)
  return true
}
