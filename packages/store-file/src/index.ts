/**
 * `@tokenvault/store-file`: the crash-safe file journal `TokenStore`, its
 * on-disk format, and the file-system seam tests use to inject I/O errors.
 *
 * @packageDocumentation
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as FileSystem from "./FileSystem.ts"
/** @since 0.1.0 */
export * as FileTokenStore from "./FileTokenStore.ts"
/** @since 0.1.0 */
export * as JournalFormat from "./JournalFormat.ts"
