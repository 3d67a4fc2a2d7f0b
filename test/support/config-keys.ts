/**
 * Known-key schemas for the YAML configs LiveKit's Go servers read, and the walk that finds keys they
 * do not know. livekit-server stops on an unknown key; egress silently ignores one: either way a key
 * outside these lists is a bug.
 */

/** A scalar, or a list of scalars. */
export const LEAF = "leaf";
/** A map with free-form keys (Go map[string]...). */
export const MAP = "map";
/** A real struct whose keys a test does not list: rendering it fails until someone lists them from source. */
export const UNLISTED = "unlisted";
export type Schema =
  typeof LEAF | typeof MAP | typeof UNLISTED | readonly [Schema] | { readonly [key: string]: Schema };

/**
 * livekit/protocol redis/redis.go `RedisConfig` with xtls/tls.go `Config`: identical at the protocol
 * versions both servers pin (v1.50.1 for egress v1.14.1; 28e604c046c6 for livekit-server v1.13.5).
 */
export const PROTOCOL_REDIS: Schema = {
  address: LEAF,
  username: LEAF,
  password: LEAF,
  db: LEAF,
  use_tls: LEAF, // deprecated in favour of tls
  tls: {
    enabled: LEAF,
    insecure: LEAF,
    server_name: LEAF,
    ca_cert_file: LEAF,
    client_cert_file: LEAF,
    client_key_file: LEAF,
  },
  sentinel_master_name: LEAF,
  sentinel_username: LEAF,
  sentinel_password: LEAF,
  sentinel_addresses: LEAF,
  cluster_addresses: LEAF,
  dial_timeout: LEAF,
  read_timeout: LEAF,
  write_timeout: LEAF,
  max_redirects: LEAF,
  pool_timeout: LEAF,
  pool_size: LEAF,
};

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Paths in `value` that `schema` does not allow, e.g. ["rtc.use_external_ips"]. Empty when all are known. */
export function unknownKeys(value: unknown, schema: Schema, path = ""): string[] {
  const at = path || "(root)";
  if (schema === LEAF) {
    const scalars = Array.isArray(value) ? value : [value];
    return scalars.every((v) => v === null || typeof v !== "object") ? [] : [`${at}: expected a scalar`];
  }
  if (schema === MAP) return isMap(value) ? [] : [`${at}: expected a map`];
  if (schema === UNLISTED) return [`${at}: its keys are not listed in this test; list them from source first`];
  if (Array.isArray(schema)) {
    if (!Array.isArray(value)) return [`${at}: expected a list`];
    return value.flatMap((item, i) => unknownKeys(item, schema[0], `${path}[${i}]`));
  }
  if (!isMap(value)) return [`${at}: expected a map`];
  const fields = schema as { readonly [key: string]: Schema };
  return Object.entries(value).flatMap(([key, child]) => {
    const childPath = path ? `${path}.${key}` : key;
    return Object.hasOwn(fields, key) ? unknownKeys(child, fields[key], childPath) : [childPath];
  });
}
