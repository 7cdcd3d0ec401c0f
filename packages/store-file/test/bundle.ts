/**
 * Bundles a child-process script (TypeScript, workspace packages and effect)
 * into one ES module with esbuild, so each of the many children the crash and
 * lock tests start loads in a fraction of the time `node --import tsx` takes
 * (tsx's loader hooks run for every module of effect).
 */
import { build } from "esbuild"
import * as path from "node:path"

/** Bundles `entry` into `dir`; returns the bundle's path (run it with `node <path>`). */
export const bundle = async (entry: string, dir: string): Promise<string> => {
  const outfile = path.join(dir, path.basename(entry).replace(/\.ts$/, ".mjs"))
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "silent",
    // CommonJS dependencies inside an ES module bundle need a require.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" }
  })
  return outfile
}
