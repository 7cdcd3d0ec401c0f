/**
 * `@tokenvault/cli`: the `tokenvault` command line.
 *
 * @packageDocumentation
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as ArgvGuard from "./ArgvGuard.ts"
/** @since 0.1.0 */
export * as Cli from "./Cli.ts"
/** @since 0.1.0 */
export * as CliFailure from "./CliFailure.ts"
/** @since 0.1.0 */
export * as Conformance from "./Conformance.ts"
/** @since 0.1.0 */
export * as VaultDir from "./VaultDir.ts"
