/**
 * The built-in gateway driver: tokenvault's own vault in process, through
 * its Promise facade (`createVault`), with an injected clock the suite
 * controls. Errors are the vault's `TokenError`s, passed through unchanged
 * (they carry `code` and `gatewayCode`), so NO-PAN-LEAK scans what callers
 * really see.
 *
 * **Example** (Run the vault suite on the vault)
 *
 * ```ts
 * import * as VaultDriver from "@tokenvault/conformance/drivers/VaultDriver"
 * import { vaultSuite } from "@tokenvault/conformance/VaultSuite"
 * import { it } from "vitest"
 *
 * vaultSuite({ name: "vault", test: it, driver: () => VaultDriver.make() })
 * ```
 *
 * @since 0.1.0
 */
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { createVault } from "@tokenvault/vault/PromiseVault"
import type * as GatewayDriver from "../GatewayDriver.ts"
import { addDaysInstant, addMonthsInstant } from "../internal/dates.ts"

/**
 * Options of the built-in driver.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The starting instant (default 2026-01-15T12:00:00.000Z). */
  readonly start?: string | undefined
  /** The store under the vault (default: a fresh memory store). */
  readonly store?: TokenStore.Service | undefined
}

/**
 * A fresh vault, empty, behind the driver interface.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = async (options: Options = {}): Promise<GatewayDriver.GatewayDriver> => {
  let now = options.start ?? "2026-01-15T12:00:00.000Z"
  const vault = await createVault({ now: () => Date.parse(now), ...(options.store === undefined ? {} : { store: options.store }) })
  return {
    name: "vault",
    setNow: async (iso) => {
      if (Number.isNaN(Date.parse(iso))) throw new TypeError("setNow needs an ISO 8601 instant")
      now = new Date(iso).toISOString()
    },
    advance: async (by) => {
      now = addDaysInstant(addMonthsInstant(now, by.months ?? 0), by.days ?? 0)
    },
    addMerchant: async (request) => {
      const m = await vault.addMerchant(request)
      return { merchantId: m.merchantId, prefix: m.prefix, format: m.format, tokenization: m.tokenization, luhn: m.luhn }
    },
    createGroup: (request) => vault.createGroup(request.groupId),
    joinGroup: async (request) => ({ moved: await vault.joinGroup(request.groupId, request.merchantId, request.withTokens) }),
    leaveGroup: async (request) => ({ moved: await vault.leaveGroup(request.groupId, request.merchantId, request.takeTokens) }),
    tokenize: (request) => vault.tokenize(request),
    tokenizeDuringPayment: async (request) => ({ token: (await vault.tokenizeDuringPayment(request)) ?? null }),
    authorizeUse: async (request) => {
      const authorization = await vault.authorizeUse(request)
      return { token: authorization.token, transactionId: authorization.transactionId }
    },
    listOneClick: (request) => vault.listOneClick(request.merchantId, request.customerId),
    getToken: (request) => vault.getToken(request.merchantId, request.token),
    listByCustomer: (request) => vault.listByCustomer(request.merchantId, request.customerId),
    listByMerchant: (request) => vault.listByMerchant(request.merchantId),
    updateStatus: (request) => vault.updateStatus(request.merchantId, request.token, request.status),
    updateExpiry: (request) => vault.updateExpiry(request.merchantId, request.token, request.expiry),
    checkToken: async (request) => {
      const c = await vault.checkToken(request.merchantId, request.token)
      return { token: c.token, valid: c.valid, code: c.code, gatewayCode: c.gatewayCode }
    },
    deleteToken: (request) => vault.deleteToken(request.merchantId, request.token),
    extendRetention: (request) => vault.extendRetention(request.merchantId, request.token),
    sweep: async () => ({ purged: (await vault.sweep()).purged }),
    close: () => vault.close()
  }
}
