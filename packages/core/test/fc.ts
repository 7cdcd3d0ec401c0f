/**
 * fast-check settings shared by every property test, with a printed seed so
 * any failure can be replayed:
 *
 *     FC_SEED=<seed> pnpm vitest run packages/core
 *
 * - `FC_SEED`: the seed (an integer). The root `vitest.config.ts` sets one per
 *   run when it is not given, so every file of a run shares it; outside vitest
 *   the seed is derived from the clock (tests may read the clock; rules may not).
 * - `FC_NUM_RUNS`: runs per property (default 200). Properties that need a
 *   floor, such as TOKEN-NOT-PAN's 10^5 tokens per format, use {@link atLeast}.
 *
 * Pass {@link params} (or {@link atLeast}) to every `fc.assert`. On failure
 * fast-check also prints the seed and the counterexample's path.
 */
import fc from "fast-check"

const integerFromEnv = (name: string): number | undefined => {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === "") return undefined
  const n = Number(raw)
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`)
  return n
}

const seedFromEnv = integerFromEnv("FC_SEED")

/** The seed of this run. */
export const seed: number = seedFromEnv ?? Date.now() % 2_147_483_647

/** The default number of runs per property. */
export const numRuns: number = Math.max(1, integerFromEnv("FC_NUM_RUNS") ?? 200)

// Print the seed once. Under vitest the root config picks the seed, passes it
// in FC_SEED and prints it once for the whole run; a seed derived here (vitest
// not configured that way) is printed here.
if (seedFromEnv === undefined) {
  console.log(`[fast-check] seed=${seed} numRuns=${numRuns} (replay: FC_SEED=${seed} FC_NUM_RUNS=${numRuns})`)
}

/** `{ seed, numRuns }` for `fc.assert`, with optional overrides. */
export const params = <T>(overrides?: fc.Parameters<T>): fc.Parameters<T> => ({ seed, numRuns, ...overrides })

/** Like {@link params}, with at least `runs` runs whatever `FC_NUM_RUNS` says. */
export const atLeast = <T>(runs: number): fc.Parameters<T> => ({ seed, numRuns: Math.max(runs, numRuns) })

export { fc }
