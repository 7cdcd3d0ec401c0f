/**
 * `@tokenvault/store-postgres`: the PostgreSQL `TokenStore` adapter, for
 * durable storage shared by many stateless vault instances.
 *
 * @packageDocumentation
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Migrations from "./Migrations.ts"
/** @since 0.1.0 */
export * as PostgresTokenStore from "./PostgresTokenStore.ts"
