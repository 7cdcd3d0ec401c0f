/**
 * `@tokenvault/conformance`: the conformance kit. The store suite proves a
 * `TokenStore` adapter keeps the port's obligations; the gateway suite
 * proves a vault (through a driver) keeps tokenvault's rules; the runner
 * turns either into a report per rule. Every property is a fast-check
 * model-based test with a printed seed, path and replay path.
 *
 * @packageDocumentation
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Canary from "./Canary.ts"
/** @since 0.1.0 */
export * as GatewayDriver from "./GatewayDriver.ts"
/** @since 0.1.0 */
export * as Harness from "./Harness.ts"
/** @since 0.1.0 */
export * as Options from "./Options.ts"
/** @since 0.1.0 */
export * as Property from "./Property.ts"
/** @since 0.1.0 */
export * as Runner from "./Runner.ts"
/** @since 0.1.0 */
export * as StoreSuite from "./StoreSuite.ts"
/** @since 0.1.0 */
export * as VaultDriver from "./drivers/VaultDriver.ts"
/** @since 0.1.0 */
export * as VaultSuite from "./VaultSuite.ts"
