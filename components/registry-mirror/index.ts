import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { containerImages, type ContainerImages, IMAGE_NAMES, type ImageName } from "../shared/images";
import { DOCKER_HUB_UPSTREAM, PULL_THROUGH_CACHE_SECRET_PREFIX, pullThroughCachePolicy } from "./policy";

export interface RegistryMirrorArgs {
  /** The rule's repository prefix: images are pulled as `<account>.dkr.ecr.<region>.<suffix>/<prefix>/...`. */
  repositoryPrefix: string;
  /** A Docker Hub user and access token (ECR's Docker Hub rules require credentials); the token a secret. */
  dockerHub: { username: string; accessToken: pulumi.Input<string> };
  /** The roles of every node that pulls workload images (the managed node group's and Karpenter's). */
  nodeRoleNames: pulumi.Input<string>[];
}

/**
 * The region's registry mirror: an ECR pull-through cache rule for Docker Hub, its credentials in Secrets
 * Manager (a Pulumi secret), and the permissions the nodes need for a first pull. Nodes then pull each image from
 * Docker Hub once per region, and the SFU and egress scale-outs pull from ECR (no Docker Hub rate limit, and
 * the cached copy stays when a tag is pushed again upstream, until ECR syncs it).
 */
export class RegistryMirror extends pulumi.ComponentResource {
  /** `<account>.dkr.ecr.<region>.<dns suffix>`. */
  readonly host: pulumi.Output<string>;
  readonly repositoryPrefix: string;
  /** What a first pull needs in place: the rule and the node roles' permissions. */
  private readonly pullReady: pulumi.Resource[];

  constructor(name: string, args: RegistryMirrorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:registry-mirror:RegistryMirror", name, {}, opts);
    const parent = { parent: this };
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const region = aws.getRegionOutput({}, parent).region;
    const partition = aws.getPartitionOutput({}, parent);
    this.repositoryPrefix = args.repositoryPrefix;

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
        upstreamRegistryUrl: DOCKER_HUB_UPSTREAM,
        credentialArn: credentials.arn,
      },
      { parent: this, dependsOn: [credentialsVersion] },
    );
    const policy = pulumi
      .all([partition.partition, region, accountId])
      .apply(([p, r, a]) =>
        pullThroughCachePolicy({ partition: p, region: r, accountId: a, repositoryPrefix: args.repositoryPrefix }),
      );
    const permissions = args.nodeRoleNames.map(
      (role, i) => new aws.iam.RolePolicy(`${name}-pull-through-${i}`, { role, policy }, parent),
    );
    this.pullReady = [rule, ...permissions];

    this.host = pulumi.interpolate`${accountId}.dkr.ecr.${region}.${partition.dnsSuffix}`;
    this.registerOutputs({ host: this.host });
  }

  /**
   * Every workload image through this mirror; `pins` (digest references) replace the shipped tags. The references
   * carry the rule and the node permissions as dependencies, so no workload is created before a pull can work.
   */
  images(pins: Partial<Record<ImageName, string>>): ContainerImages {
    const resolved = pulumi
      .all([this.host, ...this.pullReady.map((r) => r.urn)])
      .apply(([host]) => containerImages(pins, { host, repositoryPrefix: this.repositoryPrefix }));
    const images = {} as ContainerImages;
    for (const image of IMAGE_NAMES) images[image] = resolved[image];
    return images;
  }
}
