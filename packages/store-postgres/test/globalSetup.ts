/**
 * vitest globalSetup for this package (used when vitest runs with the
 * package's `vitest.config.ts`, e.g. as a project of a root config): starts
 * a private throwaway PostgreSQL with `.ci/postgres.sh` unless
 * `TOKENVAULT_PG_URL` is set, provides its URL to the tests, and stops it
 * at the end. In CI without `TOKENVAULT_PG_URL` it fails loudly.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import type { TestProject } from "vitest/node"
import { inCi, parseStartOutput, runServerScript } from "./support/postgres.ts"

export default function setup(project: TestProject): (() => void) | undefined {
  const fromEnv = process.env["TOKENVAULT_PG_URL"]
  if (fromEnv !== undefined && fromEnv !== "") {
    project.provide("TOKENVAULT_PG_URL", fromEnv)
    return undefined
  }
  if (inCi()) {
    throw new Error("TOKENVAULT_PG_URL is not set, and CI is: start the server first with  eval \"$(.ci/postgres.sh start)\"")
  }
  const parent = mkdtempSync(path.join(tmpdir(), "tokenvault-pg-"))
  chmodSync(parent, 0o755) // the server runs as an unprivileged user, who must reach the cluster
  const dir = path.join(parent, "cluster")
  const { url } = parseStartOutput(runServerScript(["start", "--dir", dir]))
  project.provide("TOKENVAULT_PG_URL", url)
  return () => {
    runServerScript(["stop", "--dir", dir])
    rmSync(parent, { recursive: true, force: true })
  }
}
