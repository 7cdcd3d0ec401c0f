/**
 * The request-key methods of a store (`bindRequestId`, `getRequestKey`),
 * which adapters may still lack while they adopt them: the kit requires
 * them where it checks them.
 */
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { Mismatch } from "./assert.ts"

/** The two methods, present together. */
export type RequestKeyMethods = {
  readonly [K in "bindRequestId" | "getRequestKey"]-?: NonNullable<TokenStore.Service[K]>
}

/** True when the store offers both methods. */
export const offersRequestKeys = (store: TokenStore.Service): boolean =>
  typeof store.bindRequestId === "function" && typeof store.getRequestKey === "function"

/** The store's request-key methods, or a mismatch blamed on IDEMPOTENCY. */
export const requestKeyMethods = (store: TokenStore.Service): RequestKeyMethods => {
  if (!offersRequestKeys(store)) throw new Mismatch("the store does not offer bindRequestId and getRequestKey", ["IDEMPOTENCY"])
  return store as RequestKeyMethods
}
