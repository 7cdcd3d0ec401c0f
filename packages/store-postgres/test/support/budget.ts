/**
 * The kit's run budget for this package. Every run goes through a real
 * server, so the default is smaller than the kit's in-memory budget (which
 * would take several minutes here); `TOKENVAULT_CONFORMANCE_RUNS` or
 * `FC_NUM_RUNS` restore any budget, e.g. 100 for a nightly run.
 */
export const DEFAULT_RUNS = 25

/** `{ numRuns }` unless the environment sets a budget (then the kit reads it). */
export const budget = (): { readonly numRuns?: number } => {
  const fromEnv = process.env["TOKENVAULT_CONFORMANCE_RUNS"] ?? process.env["FC_NUM_RUNS"]
  return fromEnv !== undefined && fromEnv !== "" ? {} : { numRuns: DEFAULT_RUNS }
}
