import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  acceptedTurnSecretGenerations,
  INITIAL_TURN_SECRET_GENERATION,
  TURN_ACCEPTED_SECRETS_KEY,
  TURN_SECRET_KEY,
  type AcceptedTurnSecrets,
  type TurnSecretGenerations,
} from "../shared/turn";
import type { SecretKeyRef } from "../shared/pods";
import { sha256, workloadLabels } from "../shared/annotations";
import {
  API_KEY_SECRET_KEYS,
  apiKeyFingerprints,
  keyFileKeys,
  renderKeyFile,
  SERVICE_KEY_PREFIXES,
  ServiceKeyConsumer,
} from "./api-keys";

/** An API key as the stack hands it over: its id, and its secret as a Pulumi secret. */
export interface ApiKeyInput {
  id: string;
  secret: pulumi.Input<string>;
}

/**
 * The application's keys, the same in every region (stack config): the one it signs tokens with, and LiveKit its
 * webhooks, and during a rotation the other one every region still accepts (the old key, or the next one).
 */
export interface ApplicationKeys {
  signing: ApiKeyInput;
  alsoAccepted: readonly ApiKeyInput[];
}

export interface CredentialsArgs {
  /**
   * Namespace of the media plane, where the Secrets go: LiveKit, Coturn and the load tests mount them, and a pod
   * can mount only Secrets of its own namespace.
   */
  namespace: pulumi.Input<string>;
  /** Namespace of the load test, where the Secret of its own key pair goes (and nothing else). */
  loadTestNamespace: pulumi.Input<string>;
  /**
   * Namespace of the recorders, where the Secret of egress's pair goes (and nothing else); none where nothing
   * records (a global rooms member).
   */
  egressNamespace?: pulumi.Input<string>;
  applicationKeys: ApplicationKeys;
  /**
   * Egress's and the load tests' pairs from stack config (ids with the SERVICE_KEY_PREFIXES), the same in every
   * region; when omitted, each is generated in this region. livekit-server signs participants' refreshed tokens
   * with any key of its file (./api-keys.ts), so where participants can reconnect through another region (global
   * rooms mode) these pairs must be the same there.
   */
  serviceKeys?: Record<ServiceKeyConsumer, ApiKeyInput>;
  /**
   * Generations of the TURN shared secret: LiveKit mints with the current one, Coturn accepts every one
   * (docs/credentials.md, "The TURN shared secret"). `{ current: "1", alsoAccepted: [] }` is the single secret of old.
   */
  turnSecretGenerations: TurnSecretGenerations;
  /**
   * Make the AUTH token of the region's own Redis (`redisAuthToken`). Not for a global rooms member: it has no
   * Redis of its own and takes the hub's token.
   */
  redisAuthToken?: boolean;
  /** Make Grafana's admin password (`grafanaAdminPassword`), for the region's Monitoring. */
  grafanaAdminPassword?: boolean;
}

/** An API key pair; the secret is a Pulumi secret. */
export interface ApiKeyPair {
  id: pulumi.Output<string>;
  secret: pulumi.Output<string>;
}

/** livekit-server's key file, in its Secret. */
export interface KeyFile extends SecretKeyRef {
  /** SHA-256 of the file, not secret (it reveals nothing of the keys): the server reads the file once, at start. */
  checksum: pulumi.Output<string>;
}

/**
 * Egress's pair as its pods read it: two keys of its Secret (egress takes them from LIVEKIT_API_KEY and
 * LIVEKIT_API_SECRET), and the pair's SHA-256, not secret, so a new pair rolls the pods (they read it at start).
 */
export interface EgressKey {
  id: SecretKeyRef;
  secret: SecretKeyRef;
  checksum: pulumi.Output<string>;
}

/** The load tests' pair as a pod reads it: two keys of the API key Secret. */
export interface LoadTestKey {
  id: SecretKeyRef;
  secret: SecretKeyRef;
}

/**
 * The application's keys as a region exports them (stacks/region-outputs.ts): ids in the clear, secrets as Pulumi
 * secrets, the signing key first.
 */
export interface ApplicationKeyOutputs {
  applicationKeyId: string;
  applicationKeySecret: pulumi.Output<string>;
  applicationKeyIds: string[];
  applicationKeySecrets: pulumi.Output<Record<string, string>>;
}

/** A component a child made here was made in before, by its type and its name in the region. */
interface FormerParent {
  type: string;
  name: (region: string) => string;
}

/**
 * Where the region's credentials were made until they came here. Each child names its former parent in an alias,
 * so the engine finds it under the URN it always had and `pulumi up` regenerates nothing (CONTRIBUTING.md, "Renames
 * need aliases"):
 * - `livekit`, `<region>-livekit`: the keys and TURN secrets, which would otherwise restart every SFU and Coturn pod;
 * - `redis`, `<region>-redis`: the AUTH token, which would be set anew on the replication group and roll egress;
 * - `monitoring`, `<region>-monitoring`: Grafana's admin password, which would no longer match Grafana's own.
 */
const FORMER_PARENTS = {
  livekit: { type: "livekit-platform:livekit:LiveKit", name: (region) => `${region}-livekit` },
  redis: { type: "livekit-platform:redis:Redis", name: (region) => `${region}-redis` },
  monitoring: { type: "livekit-platform:monitoring:Monitoring", name: (region) => `${region}-monitoring` },
} satisfies Record<string, FormerParent>;

/**
 * The region's credentials, made in one place and handed to their consumers: livekit-server's key file (the
 * application's keys beside a pair for egress and one for the load tests), the TURN shared secret's generations,
 * and the Secrets holding them; on request the AUTH token of the region's Redis and Grafana's admin password. Name
 * it after the region (`regionLabel`): its children keep the names they always had, `<region>-livekit-...`,
 * `<region>-redis-auth` and `<region>-monitoring-grafana-admin`.
 *
 * Options: the cluster's Kubernetes provider (`providers`).
 */
export class Credentials extends pulumi.ComponentResource {
  /** The key file livekit-server reads: every consumer's keys. */
  readonly keyFile: KeyFile;
  /** Egress's own key pair, from `serviceKeys` or generated in this region. */
  readonly egressKey: ApiKeyPair;
  /** Egress's pair in a Secret of the recorders' namespace; absent without `egressNamespace`. */
  readonly egressKeySecret?: EgressKey;
  /** The load tests' own key pair, from `serviceKeys` or generated in this region, in a Secret of the load test's namespace. */
  readonly loadTestKey: LoadTestKey;
  /** Every static-auth-secret Coturn accepts, and their generations; LiveKit mints with the first. */
  readonly turnSecret: AcceptedTurnSecrets;
  /** Id of the application's signing key: LiveKit signs webhooks with it. */
  readonly signingKeyId: string;
  readonly applicationKeyOutputs: ApplicationKeyOutputs;
  /**
   * Key id -> SHA-256 of its secret, for every key of the key file (a secret Output): what the stacks compare
   * across regions to prove a token signed here verifies there.
   */
  readonly apiKeyFingerprints: pulumi.Output<Record<string, string>>;
  /** The AUTH token of the region's own Redis, a secret; absent without `redisAuthToken`. */
  readonly redisAuthToken?: pulumi.Output<string>;
  /** Grafana's admin password, a secret; absent without `grafanaAdminPassword`. */
  readonly grafanaAdminPassword?: pulumi.Output<string>;

  private readonly childOptions: pulumi.CustomResourceOptions;

  constructor(name: string, args: CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:credentials:Credentials", name, {}, opts);
    this.childOptions = this.movedFrom(FORMER_PARENTS.livekit, name);
    const namespace = pulumi.output(args.namespace);
    // The labels of the SFU's workload, whose Secrets these are: livekit-server reads both.
    const { labels } = workloadLabels("livekit-server", "sfu");

    const application = [args.applicationKeys.signing, ...args.applicationKeys.alsoAccepted];
    this.signingKeyId = args.applicationKeys.signing.id;
    this.applicationKeyOutputs = applicationKeyOutputs(application);
    this.egressKey = this.serviceKey(name, "egress", args.serviceKeys);
    const loadTestKey = this.serviceKey(name, "loadTest", args.serviceKeys);
    const keys = this.keyFileKeys(application, [this.egressKey, loadTestKey]);
    this.apiKeyFingerprints = pulumi.secret(keys.apply(apiKeyFingerprints));
    const keyFile = keys.apply(renderKeyFile);
    const apiKeySecret = this.apiKeySecret(name, { namespace, labels }, keyFile);
    const loadTestKeySecret = this.loadTestKeySecret(name, pulumi.output(args.loadTestNamespace), loadTestKey);
    if (args.egressNamespace !== undefined)
      this.egressKeySecret = this.egressKeySecretIn(name, pulumi.output(args.egressNamespace), this.egressKey);
    this.keyFile = {
      secret: apiKeySecret,
      key: API_KEY_SECRET_KEYS.keyFile,
      checksum: pulumi.unsecret(keyFile.apply(sha256)),
    };
    this.loadTestKey = {
      id: { secret: loadTestKeySecret, key: API_KEY_SECRET_KEYS.loadTestApiKey },
      secret: { secret: loadTestKeySecret, key: API_KEY_SECRET_KEYS.loadTestApiSecret },
    };
    this.turnSecret = this.turnSecrets(name, { namespace, labels }, args.turnSecretGenerations);
    // ElastiCache AUTH tokens: 16-128 printable characters without @, " or /; letters and digits only.
    if (args.redisAuthToken)
      this.redisAuthToken = this.password(`${name}-redis-auth`, 48, this.movedFrom(FORMER_PARENTS.redis, name));
    if (args.grafanaAdminPassword) {
      const movedFromMonitoring = this.movedFrom(FORMER_PARENTS.monitoring, name);
      this.grafanaAdminPassword = this.password(`${name}-monitoring-grafana-admin`, 32, movedFromMonitoring);
    }
    this.registerOutputs({});
  }

  /** Options of a child made here that was made in `former` before: this parent, and the URN it had there. */
  private movedFrom(former: FormerParent, region: string): pulumi.CustomResourceOptions {
    return { parent: this, aliases: [{ parent: pulumi.createUrn(former.name(region), former.type) }] };
  }

  /** A generated password of letters and digits, as a Pulumi secret. */
  private password(name: string, length: number, options: pulumi.CustomResourceOptions): pulumi.Output<string> {
    return pulumi.secret(new random.RandomPassword(name, { length, special: false }, options).result);
  }

  /**
   * A consumer's pair from config, or generated here. A leaked test credential is then revoked by replacing its
   * pair, without touching the application. LiveKit logs an error for secrets shorter than 32 characters;
   * alphanumerics keep the key file plain YAML.
   */
  private serviceKey(
    name: string,
    consumer: ServiceKeyConsumer,
    configured: CredentialsArgs["serviceKeys"],
  ): ApiKeyPair {
    const given = configured?.[consumer];
    if (given !== undefined) return { id: pulumi.output(given.id), secret: pulumi.secret(given.secret) };
    const id = new random.RandomString(
      `${name}-livekit-${consumer}-key-id`,
      { length: 12, special: false },
      this.childOptions,
    );
    return {
      id: pulumi.interpolate`${SERVICE_KEY_PREFIXES[consumer]}${id.result}`,
      secret: this.password(`${name}-livekit-${consumer}-key-secret`, 48, this.childOptions),
    };
  }

  /** Every key of the key file, once the generated ones are known. */
  private keyFileKeys(application: readonly ApiKeyInput[], services: readonly ApiKeyPair[]) {
    const secrets = pulumi.all(application.map((key) => key.secret));
    const pairs = pulumi.all(services.map((pair) => pulumi.all([pair.id, pair.secret])));
    return pulumi.all([secrets, pairs]).apply(([applicationSecrets, servicePairs]) =>
      keyFileKeys(
        application.map((key, i) => ({ id: key.id, secret: applicationSecrets[i] })),
        servicePairs.map(([id, secret]) => ({ id, secret })),
      ),
    );
  }

  /** The Secret livekit-server's key file is mounted from. */
  private apiKeySecret(
    name: string,
    metadata: { namespace: pulumi.Output<string>; labels: Record<string, string> },
    keyFile: pulumi.Output<string>,
  ): k8s.core.v1.Secret {
    return new k8s.core.v1.Secret(
      `${name}-livekit-api-keys`,
      {
        metadata: { name: "livekit-api-keys", ...metadata },
        type: "Opaque",
        stringData: pulumi.secret(keyFile.apply((file) => ({ [API_KEY_SECRET_KEYS.keyFile]: file }))),
      },
      this.childOptions,
    );
  }

  /**
   * The load tests' pair, in the load test's own namespace: a pod reads only Secrets of its namespace, and that
   * namespace holds nothing else of the region's credentials.
   */
  private loadTestKeySecret(name: string, namespace: pulumi.Output<string>, loadTestKey: ApiKeyPair) {
    const { labels } = workloadLabels("livekit-load-test");
    return new k8s.core.v1.Secret(
      `${name}-livekit-load-test-key`,
      {
        metadata: { name: "livekit-load-test-key", namespace, labels },
        type: "Opaque",
        stringData: pulumi.secret(
          pulumi.all([loadTestKey.id, loadTestKey.secret]).apply(([id, secret]) => ({
            [API_KEY_SECRET_KEYS.loadTestApiKey]: id,
            [API_KEY_SECRET_KEYS.loadTestApiSecret]: secret,
          })),
        ),
      },
      { parent: this },
    );
  }

  /**
   * Egress's pair, in the recorders' own namespace: a pod reads only Secrets of its namespace, and that namespace
   * holds nothing else of the region's credentials.
   */
  private egressKeySecretIn(name: string, namespace: pulumi.Output<string>, egressKey: ApiKeyPair): EgressKey {
    const { labels } = workloadLabels("livekit-egress", "egress");
    const pair = pulumi.all([egressKey.id, egressKey.secret]);
    const secret = new k8s.core.v1.Secret(
      `${name}-livekit-egress-key`,
      {
        metadata: { name: "livekit-egress-key", namespace, labels },
        type: "Opaque",
        stringData: pulumi.secret(
          pair.apply(([id, value]) => ({
            [API_KEY_SECRET_KEYS.egressApiKey]: id,
            [API_KEY_SECRET_KEYS.egressApiSecret]: value,
          })),
        ),
      },
      { parent: this },
    );
    return {
      id: { secret, key: API_KEY_SECRET_KEYS.egressApiKey },
      secret: { secret, key: API_KEY_SECRET_KEYS.egressApiSecret },
      checksum: pulumi.unsecret(pair.apply(([id, value]) => sha256(`${id}\n${value}`))),
    };
  }

  /**
   * Coturn's shared secret, one per generation, and the Secret holding them. The initial generation keeps the
   * name the single secret always had. Alphanumerics only: the Coturn start script accepts nothing that would
   * need quoting. LiveKit reads the current secret under the key it always had; during a rotation Coturn reads
   * every accepted one, one per line, the current one first.
   */
  private turnSecrets(
    name: string,
    metadata: { namespace: pulumi.Output<string>; labels: Record<string, string> },
    turnSecretGenerations: TurnSecretGenerations,
  ): AcceptedTurnSecrets {
    const generations = acceptedTurnSecretGenerations(turnSecretGenerations);
    const passwords = generations.map(
      (label) =>
        new random.RandomPassword(
          label === INITIAL_TURN_SECRET_GENERATION
            ? `${name}-livekit-turn-secret`
            : `${name}-livekit-turn-secret-${label}`,
          { length: 48, special: false },
          this.childOptions,
        ).result,
    );
    const rotating = generations.length > 1;
    const secret = new k8s.core.v1.Secret(
      `${name}-livekit-turn-secret`,
      {
        metadata: { name: "livekit-turn-secret", ...metadata },
        type: "Opaque",
        stringData: {
          [TURN_SECRET_KEY]: pulumi.secret(passwords[0]),
          ...(rotating
            ? {
                [TURN_ACCEPTED_SECRETS_KEY]: pulumi.secret(
                  pulumi.all(passwords).apply((secrets) => `${secrets.join("\n")}\n`),
                ),
              }
            : {}),
        },
      },
      this.childOptions,
    );
    return { secret, key: rotating ? TURN_ACCEPTED_SECRETS_KEY : TURN_SECRET_KEY, generations };
  }
}

/** The application's keys as the region exports them; `keys` holds the signing key first. */
function applicationKeyOutputs(keys: readonly ApiKeyInput[]): ApplicationKeyOutputs {
  const secrets = pulumi.all(Object.fromEntries(keys.map((key) => [key.id, key.secret])));
  return {
    applicationKeyId: keys[0].id,
    applicationKeySecret: pulumi.secret(keys[0].secret),
    applicationKeyIds: keys.map((key) => key.id),
    applicationKeySecrets: pulumi.secret(secrets),
  };
}
