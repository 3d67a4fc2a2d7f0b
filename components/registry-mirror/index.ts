import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MIRRORED_UPSTREAMS, type MirroredUpstream, type MirrorLocation } from "../shared/chart-images";
import { containerImages, type ContainerImages, IMAGE_NAMES, type ImageName } from "../shared/images";
import { PULL_THROUGH_CACHE_SECRET_PREFIX, pullThroughCachePolicy } from "./policy";

export type { MirrorLocation } from "../shared/chart-images";

/** The rules' resource names, by upstream registry (not by prefix, which a stack file may change). */
const RULE_NAMES = { quay: "quay", kubernetes: "k8s", ecrPublic: "ecr-public" } as const;

export interface RegistryMirrorArgs {
  /** The Docker Hub rule's repository prefix: images are pulled as `<account>.dkr.ecr.<region>.<suffix>/<prefix>/...`. */
  repositoryPrefix: string;
  /** The prefixes of the rules for the registries that need no credentials: quay.io, registry.k8s.io, public.ecr.aws. */
  upstreamPrefixes: Record<Exclude<MirroredUpstream, "dockerHub">, string>;
  /** A Docker Hub user and access token (ECR's Docker Hub rules require credentials); the token a secret. */
  dockerHub: { username: string; accessToken: pulumi.Input<string> };
  /** The roles of every node that pulls workload images (the managed node group's and Karpenter's). */
  nodeRoleNames: pulumi.Input<string>[];
}

/**
 * The region's registry mirror: ECR pull-through cache rules for Docker Hub (its credentials in Secrets Manager, a
 * Pulumi secret), quay.io, registry.k8s.io and public.ecr.aws (which need none: AWS ECR user guide, "Sync an
 * upstream registry with an Amazon ECR private registry"), and the permissions the nodes need for a first pull.
 * Nodes then pull each image from its registry once per region, and the SFU and egress scale-outs pull from ECR (no Docker Hub rate limit, and
 * the cached copy stays when a tag is pushed again upstream, until ECR syncs it).
 */
export class RegistryMirror extends pulumi.ComponentResource {
  /** `<account>.dkr.ecr.<region>.<dns suffix>`. */
  readonly host: pulumi.Output<string>;
  /** Each mirrored upstream registry's rule prefix. */
  readonly prefixes: Record<MirroredUpstream, string>;
  /**
   * `host`, once a first pull can work: it carries the rules and the node roles' permissions as dependencies, so no
   * workload whose image names it is created before them.
   */
  private readonly pullReadyHost: pulumi.Output<string>;

  constructor(name: string, args: RegistryMirrorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:registry-mirror:RegistryMirror", name, {}, opts);
    const parent = { parent: this };
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const region = aws.getRegionOutput({}, parent).region;
    const partition = aws.getPartitionOutput({}, parent);
    this.prefixes = { dockerHub: args.repositoryPrefix, ...args.upstreamPrefixes };

    const credentials = new aws.secretsmanager.Secret(
      `${name}-docker-hub`,
      {
        namePrefix: `${PULL_THROUGH_CACHE_SECRET_PREFIX}${name}-docker-hub-`,
        description: "Docker Hub credentials of the ECR pull-through cache rule",
      },
      parent,
    );
    // The shape ECR reads for an upstream registry's credentials (AWS ECR user guide, "Storing your upstream
    // repository credentials in an AWS Secrets Manager secret").
    const credentialsVersion = new aws.secretsmanager.SecretVersion(
      `${name}-docker-hub`,
      {
        secretId: credentials.arn,
        secretString: pulumi.secret(
          pulumi
            .output(args.dockerHub.accessToken)
            .apply((accessToken) => JSON.stringify({ username: args.dockerHub.username, accessToken })),
        ),
      },
      parent,
    );
    const rule = new aws.ecr.PullThroughCacheRule(
      `${name}-docker-hub`,
      {
        ecrRepositoryPrefix: args.repositoryPrefix,
        upstreamRegistryUrl: MIRRORED_UPSTREAMS.dockerHub,
        credentialArn: credentials.arn,
      },
      { parent: this, dependsOn: [credentialsVersion] },
    );
    const publicRules = (Object.keys(args.upstreamPrefixes) as (keyof typeof args.upstreamPrefixes)[]).map(
      (upstream) =>
        new aws.ecr.PullThroughCacheRule(
          `${name}-${RULE_NAMES[upstream]}`,
          { ecrRepositoryPrefix: args.upstreamPrefixes[upstream], upstreamRegistryUrl: MIRRORED_UPSTREAMS[upstream] },
          parent,
        ),
    );
    const repositoryPrefixes = Object.values(this.prefixes);
    const policy = pulumi
      .all([partition.partition, region, accountId])
      .apply(([p, r, a]) => pullThroughCachePolicy({ partition: p, region: r, accountId: a, repositoryPrefixes }));
    const permissions = args.nodeRoleNames.map(
      (role, i) => new aws.iam.RolePolicy(`${name}-pull-through-${i}`, { role, policy }, parent),
    );
    const pullReady = [rule, ...publicRules, ...permissions];

    this.host = pulumi.interpolate`${accountId}.dkr.ecr.${region}.${partition.dnsSuffix}`;
    this.pullReadyHost = pulumi.all([this.host, ...pullReady.map((r) => r.urn)]).apply(([host]) => host);
    this.registerOutputs({ host: this.host });
  }

  /**
   * Every workload image through this mirror; `pins` (digest references) replace the shipped tags. The references
   * carry the rule and the node permissions as dependencies, so no workload is created before a pull can work.
   */
  images(pins: Partial<Record<ImageName, string>>): ContainerImages {
    const resolved = this.pullReadyHost.apply((host) =>
      containerImages(pins, { host, repositoryPrefix: this.prefixes.dockerHub }),
    );
    const images = {} as ContainerImages;
    for (const image of IMAGE_NAMES) images[image] = resolved[image];
    return images;
  }

  /**
   * Where the charts' images go (components/shared/chart-images.ts): `<host>/<prefix>[/<path>]` of an upstream
   * registry's rule, carrying the rules and the node permissions as dependencies like `images`.
   */
  chartImageLocation(): MirrorLocation {
    return (upstream, path) =>
      this.pullReadyHost.apply((host) =>
        [host, this.prefixes[upstream], ...(path === undefined ? [] : [path])].join("/"),
      );
  }
}
