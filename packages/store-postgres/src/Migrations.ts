/**
 * The versioned schema of the PostgreSQL store: an ordered list of
 * migrations, each a version number and SQL statements over a schema name.
 * {@link PostgresTokenStore.make}'s `migrate()` (or the first operation, with
 * `autoMigrate`) applies the missing ones in order, each in its own
 * transaction, under a session advisory lock, and records them in
 * `schema_migrations`.
 *
 * **Details**
 *
 * Integrity lives in the database, not in the adapter:
 *
 * - `tv_tokens_pkey`: a token value is unique, tombstones included (status
 *   `DELETED` rows are never removed).
 * - `tv_tokens_request_key`: `(merchant_id, merchant_request_id)` is unique.
 * - `tv_tokens_active_fingerprint_key`: a unique partial index on
 *   `(scope, coalesce(customer_id, ''), fingerprint) WHERE status = 'ACTIVE'`,
 *   so concurrent vault instances cannot issue two ACTIVE tokens for one card,
 *   customer and scope.
 * - `tv_merchants_prefix_key`: a merchant prefix is unique.
 * - `tv_request_keys_pkey` (migration 3): every idempotency key, a record's
 *   own (written by the same statement as the record) or one bound to an
 *   existing token by `bindRequestId`, is a row of `request_keys`, unique per
 *   `(merchant_id, merchant_request_id)`; its token must exist
 *   (`tv_request_keys_token_fkey`) and rows are never removed.
 * - `merchants.version` (migration 2) is bumped by every change to a
 *   merchant or its membership: it validates the store's merchant cache and
 *   makes those changes compare-and-set.
 * - Partial indexes serve every query of the port (customer, fingerprint,
 *   scope, due-for-purge) without touching tombstones; `tv_tokens_owner`
 *   serves re-scoping.
 *
 * Text columns that are compared or ordered use `COLLATE "C"`, so ordering
 * and cursors match JavaScript's string order whatever the database locale.
 *
 * Migrations are append-only: a released migration is never edited; a change
 * is a new version.
 *
 * @since 0.1.0
 */

/**
 * One schema migration.
 *
 * @category models
 * @since 0.1.0
 */
export interface Migration {
  /** Strictly increasing, starting at 1. */
  readonly version: number
  /** A short description, stored in `schema_migrations`. */
  readonly name: string
  /** The statements, given the quoted schema name; run in one transaction. */
  readonly statements: (schema: string) => ReadonlyArray<string>
}

/**
 * The names of the unique constraints and indexes, by the port's
 * `Duplicate` constraint they enforce.
 *
 * @category models
 * @since 0.1.0
 */
export const constraintNames = {
  token: "tv_tokens_pkey",
  merchantRequestId: "tv_tokens_request_key",
  activeFingerprint: "tv_tokens_active_fingerprint_key",
  merchant: "tv_merchants_pkey",
  prefix: "tv_merchants_prefix_key",
  group: "tv_groups_pkey"
} as const

/**
 * The primary key of `request_keys`, which also enforces the port's
 * `merchantRequestId` constraint (a pair bound to another token).
 *
 * @category models
 * @since 0.1.0
 */
export const requestKeysConstraint = "tv_request_keys_pkey"

/**
 * Every migration, in order.
 *
 * @category models
 * @since 0.1.0
 */
export const migrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    name: "tokens, merchants, groups and memberships",
    statements: (s) => [
      `CREATE TABLE ${s}.groups (
        group_id text COLLATE "C" NOT NULL,
        CONSTRAINT tv_groups_pkey PRIMARY KEY (group_id)
      )`,
      `CREATE TABLE ${s}.merchants (
        merchant_id text COLLATE "C" NOT NULL,
        prefix text COLLATE "C" NOT NULL,
        format text NOT NULL,
        tokenization boolean NOT NULL,
        luhn text NOT NULL,
        CONSTRAINT tv_merchants_pkey PRIMARY KEY (merchant_id),
        CONSTRAINT tv_merchants_prefix_key UNIQUE (prefix)
      )`,
      `CREATE TABLE ${s}.memberships (
        merchant_id text COLLATE "C" NOT NULL,
        group_id text COLLATE "C" NOT NULL,
        CONSTRAINT tv_memberships_pkey PRIMARY KEY (merchant_id),
        CONSTRAINT tv_memberships_merchant_fkey FOREIGN KEY (merchant_id) REFERENCES ${s}.merchants (merchant_id),
        CONSTRAINT tv_memberships_group_fkey FOREIGN KEY (group_id) REFERENCES ${s}.groups (group_id)
      )`,
      `CREATE INDEX tv_memberships_group ON ${s}.memberships (group_id)`,
      `CREATE TABLE ${s}.tokens (
        token text COLLATE "C" NOT NULL,
        format text NOT NULL,
        merchant_id text COLLATE "C" NOT NULL,
        scope text COLLATE "C" NOT NULL,
        customer_id text COLLATE "C",
        instrument text NOT NULL,
        brand text,
        masked_pan text NOT NULL,
        expiry_month integer,
        expiry_year integer,
        fingerprint text COLLATE "C",
        key_version integer,
        ciphertext text,
        status text NOT NULL,
        deletion_reason text,
        deletion_on text,
        created_at text NOT NULL,
        last_activity text NOT NULL,
        extended boolean NOT NULL,
        retain_until text COLLATE "C" NOT NULL,
        agreements json NOT NULL,
        merchant_request_id text COLLATE "C",
        request_digest text,
        version bigint NOT NULL,
        CONSTRAINT tv_tokens_pkey PRIMARY KEY (token),
        CONSTRAINT tv_tokens_request_key UNIQUE (merchant_id, merchant_request_id),
        CONSTRAINT tv_tokens_status_check CHECK (status IN ('ACTIVE', 'SUSPENDED', 'DELETED')),
        CONSTRAINT tv_tokens_sealed_check CHECK ((key_version IS NULL) = (ciphertext IS NULL)),
        CONSTRAINT tv_tokens_expiry_check CHECK ((expiry_month IS NULL) = (expiry_year IS NULL)),
        CONSTRAINT tv_tokens_deletion_check CHECK ((deletion_reason IS NULL) = (deletion_on IS NULL))
      )`,
      `CREATE UNIQUE INDEX tv_tokens_active_fingerprint_key ON ${s}.tokens (scope, (coalesce(customer_id, '')), fingerprint)
        WHERE status = 'ACTIVE' AND fingerprint IS NOT NULL`,
      `CREATE INDEX tv_tokens_customer ON ${s}.tokens (scope, customer_id, token)
        WHERE status <> 'DELETED' AND customer_id IS NOT NULL`,
      `CREATE INDEX tv_tokens_fingerprint ON ${s}.tokens (scope, fingerprint, token)
        WHERE status <> 'DELETED' AND fingerprint IS NOT NULL`,
      `CREATE INDEX tv_tokens_scope ON ${s}.tokens (scope, token) WHERE status <> 'DELETED'`,
      `CREATE INDEX tv_tokens_owner ON ${s}.tokens (merchant_id, scope)`,
      `CREATE INDEX tv_tokens_due ON ${s}.tokens (retain_until, token) WHERE status <> 'DELETED'`
    ]
  },
  {
    version: 2,
    name: "merchant versions: cache validation and compare-and-set on merchants",
    statements: (s) => [`ALTER TABLE ${s}.merchants ADD COLUMN version bigint NOT NULL DEFAULT 1`]
  },
  {
    version: 3,
    name: "request keys: idempotency keys bound independently of token records",
    statements: (s) => [
      `CREATE TABLE ${s}.request_keys (
        merchant_id text COLLATE "C" NOT NULL,
        merchant_request_id text COLLATE "C" NOT NULL,
        token text COLLATE "C" NOT NULL,
        request_digest text,
        CONSTRAINT ${requestKeysConstraint} PRIMARY KEY (merchant_id, merchant_request_id),
        CONSTRAINT tv_request_keys_token_fkey FOREIGN KEY (token) REFERENCES ${s}.tokens (token)
      )`,
      `INSERT INTO ${s}.request_keys (merchant_id, merchant_request_id, token, request_digest)
        SELECT merchant_id, merchant_request_id, token, request_digest FROM ${s}.tokens WHERE merchant_request_id IS NOT NULL`
    ]
  }
]

/**
 * The schema version this code needs: the last migration's.
 *
 * @category getters
 * @since 0.1.0
 */
export const latestVersion: number = migrations[migrations.length - 1]!.version
