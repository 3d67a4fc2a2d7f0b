/**
 * A region stack: everything one AWS region needs to host LiveKit rooms on its own.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AuditLogs } from "../components/audit-logs";
import { BlockStorage } from "../components/block-storage";
import { Chaos } from "../components/chaos";
import { Cluster } from "../components/cluster";
import { sfuNodeUserData } from "../components/cluster/node-user-data";
import { Coturn } from "../components/coturn";
import { ApplicationKeys, Credentials } from "../components/credentials";
import { Egress } from "../components/egress";
import { Endpoints } from "../components/endpoints";
import { Karpenter, SFU_NODE_POOL } from "../components/karpenter";
import { Keda, KEDA_NAMESPACE } from "../components/keda";
import { LiveKit } from "../components/livekit";
import { LoadBalancerController } from "../components/load-balancer-controller";
import { LoadTest } from "../components/load-test";
import { MetricsServer } from "../components/metrics-server";
import { Monitoring, MONITORING_NAMESPACE, PROMETHEUS_URL } from "../components/monitoring";
import { Network } from "../components/network";
import { NetworkPolicies } from "../components/network-policy";
import { Redis, RedisAlarms, REDIS_PASSWORD_KEY, REDIS_PORT } from "../components/redis";
import { RegistryMirror } from "../components/registry-mirror";
import { containerImages, type ContainerImages } from "../components/shared/images";
import { podSecurityLabels } from "../components/shared/pod-security";
import { EGRESS_METRICS_PORT } from "../components/egress/config";
import {
  LIVEKIT_HTTP_PORT,
  LIVEKIT_METRICS_PORT,
  TURN_TLS_PORT,
  TURN_UDP_PORT,
} from "../components/livekit/server-config";
import { CACHE_NODE_TYPES } from "../lib/capacity/redis";
import {
  EGRESS_IDLE_SHARE,
  EGRESS_MAX_CPU_UTILISATION,
  EGRESS_MAX_MEMORY_GIB,
  EGRESS_POD_CPU,
  EGRESS_POD_MEMORY_GIB,
} from "../lib/capacity";
import { COTURN_LISTENING_PORT, COTURN_METRICS_PORT } from "../components/coturn/turnserver-conf";
import { EksAddonVersions, eksAddonsFor, versions } from "../lib/versions";
import { InputError } from "../lib/errors";
import { eksUnsupportedZoneIds } from "../lib/aws-regions";
import { configKey } from "./config-key";
import { kubernetesMinorProblem } from "./config/region/cluster";
import { COTURN_RESOURCES } from "../components/coturn/defaults";
import { turnserverSettings } from "./coturn-settings";
import { LIVEKIT_MEMORY } from "../components/livekit/defaults";
import { LOAD_TEST_RESOURCES } from "../components/load-test/defaults";
import { REDIS_SNAPSHOT_RETENTION_DAYS } from "../components/redis/defaults";
import type { RegionSettings } from "./config";
import type { RegionSizing, SizedRegion } from "./sizing";
import {
  API_KEY_FINGERPRINTS_OUTPUT,
  ApplicationKeyOutputs,
  regionHostnames,
  RegionOutputs,
  signallingUrl,
} from "./region-outputs";
import { clusterNameOf } from "./quotas";
import { GlobalRooms, globalRooms, HubStack, hubOutputs, hubSizing, memberRedis, readHub, roomsOutput } from "./rooms";
import { nodePoolDrains } from "./node-drains";
import { findProjectRoot } from "./stack-files";

/** The add-on builds of the stack's Kubernetes minor (the config has refused a minor without them). */
function pinnedEksAddons(minor: string): EksAddonVersions {
  const addons = eksAddonsFor(minor);
  if (addons === undefined) {
    throw new InputError(configKey(["cluster", "kubernetesVersion"]), kubernetesMinorProblem(minor)!, minor);
  }
  return addons;
}

/** Namespace of the region's LiveKit workloads (SFU, Coturn, Egress) and their secrets. */
export const WORKLOAD_NAMESPACE = "livekit";
/** Namespace of the recorders (Egress) and their deletion-cost updater. */
export const EGRESS_NAMESPACE = "livekit-egress";
/**
 * Where the recorders ran before they had a namespace of their own. While pods started there may still be
 * recording, their service account, Pod Identity association and NetworkPolicy stay there (docs/recording.md,
 * "Where the recorders run") until a stack sets `egress.drainFormerNamespace: false`. A release that drops this keeps
 * accepting that key (with a warning), or every stack that set it would be refused.
 */
const EGRESS_FORMER_NAMESPACE = WORKLOAD_NAMESPACE;
/** Namespace of the load test's Job and its key pair's Secret. */
export const LOAD_TEST_NAMESPACE = "livekit-load-test";

/**
 * The application's keys as the Credentials component takes them: the signing key, then during a rotation the
 * other one. The config schema has made sure the signing key is among the keys.
 */
function applicationKeys({ signing, keys }: RegionSettings["applicationKeys"]): ApplicationKeys {
  const key = (id: string) => ({ id, secret: pulumi.secret(keys[id]) });
  return {
    signing: key(signing),
    alsoAccepted: Object.keys(keys)
      .filter((id) => id !== signing)
      .map(key),
  };
}

/** A value from config that is a credential, kept secret in state and plans. */
const secretOrNothing = (value: string | undefined) => (value === undefined ? undefined : pulumi.secret(value));

/** What every part of a region reads: its settings and sizing, and the names that follow from them. */
interface RegionContext {
  region: SizedRegion;
  cfg: RegionSettings;
  /** The region's own sizing, or in global rooms mode the hub's, which carries its members too. */
  sizing: RegionSizing;
  /** Global rooms mode (stacks/rooms.ts): undefined in the default, regional mode. */
  rooms: GlobalRooms | undefined;
  clusterName: string;
  hostnames: { signalling: string; turn: string };
}

/**
 * The region's resources, part by part, each a function below taking what the parts before it made: the
 * platform, the namespaces, the credentials, Redis, the media plane, the edge, observability, the guardrails
 * and the drills. Returns the stack's outputs.
 */
export async function regionStack(region: SizedRegion, projectRoot: string = findProjectRoot(__dirname)) {
  const cfg = region.settings;
  const rooms = globalRooms(cfg, projectRoot);
  const sizing = rooms?.isHub ? hubSizing(cfg, rooms) : region.sizing;
  const ctx: RegionContext = {
    region,
    cfg,
    sizing,
    rooms,
    clusterName: clusterNameOf(cfg.regionLabel),
    hostnames: regionHostnames(cfg.regionLabel, cfg.domain),
  };
  for (const line of sizing.overrides) pulumi.log.warn(`capacity override: ${line}`);
  if (sizing.cost && "unavailable" in sizing.cost)
    pulumi.log.warn(`cost estimate unavailable: ${sizing.cost.unavailable}`);
  // A member reads the hub first: an undeployed hub, or one with other API keys, stops it before any resource.
  const hubStack = rooms !== undefined && !rooms.isHub ? await readHub(cfg, rooms) : undefined;

  const base = platform(ctx);
  const namespaces = regionNamespaces(ctx, base.provider);
  const credentials = regionCredentials(ctx, namespaces, hubStack, base.providers);
  const redis = await regionRedis(ctx, base, namespaces, credentials, hubStack);
  const media = mediaPlane(ctx, base, namespaces, credentials, redis);
  const edge = regionEdge(ctx, base, namespaces, credentials, media);
  const monitoring = observability(ctx, base, credentials, media);
  guardrails(ctx, base, namespaces, media, redis, monitoring);
  drills(ctx, base, namespaces, media, edge);
  return regionOutputs(ctx, base, credentials, redis, media, edge, monitoring);
}

type Platform = ReturnType<typeof platform>;
type Namespaces = ReturnType<typeof regionNamespaces>;
type MediaPlane = ReturnType<typeof mediaPlane>;
type Edge = ReturnType<typeof regionEdge>;
type RegionRedis = Awaited<ReturnType<typeof regionRedis>>;

/** The network, the cluster and what runs the cluster: Karpenter, the image mirror, the controllers, storage. */
function platform({ cfg, sizing, rooms, clusterName }: RegionContext) {
  const network = new Network(cfg.regionLabel, {
    clusterName,
    cidrBlock: cfg.network.cidr,
    availabilityZoneCount: cfg.network.availabilityZones,
    unsupportedZoneIds: eksUnsupportedZoneIds[cfg.awsRegion],
    natGateways: cfg.network.natGateways,
    existingVpc: cfg.network.existingVpc,
    // Peering routes join the route tables in global rooms mode.
    standaloneRoutes: rooms !== undefined,
  });

  const cluster = new Cluster(cfg.regionLabel, {
    clusterName,
    kubernetesVersion: cfg.cluster.kubernetesVersion,
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
    publicAccessCidrs: cfg.cluster.publicAccessCidrs,
    systemNodes: cfg.cluster.systemNodes,
    nodeAmiRelease: versions.nodeAmiRelease,
    webRtcPorts: {
      rtcUdp: cfg.rtc.udpPortRange,
      rtcTcp: cfg.rtc.tcpPort,
      turnListening: COTURN_LISTENING_PORT,
      turnRelayUdp: cfg.turn.relayPortRange,
    },
    addons: pinnedEksAddons(cfg.cluster.kubernetesVersion),
    logRetentionDays: cfg.cluster.logRetentionDays,
    protect: cfg.protect,
    adminRoleArns: cfg.cluster.adminRoleArns,
  });
  // Every Kubernetes resource below goes through the cluster's provider, never the default one (which would
  // deploy to whatever kubeconfig the operator has): components take it in their options and their children
  // inherit it; the few resources created here name it themselves.
  const provider = cluster.provider;
  const providers = [provider];
  // What the cluster's controllers need before their charts install: credentials and nodes to run on.
  const clusterReady = [cluster.podIdentityAgent, cluster.systemNodeGroup];

  const karpenter = new Karpenter(
    `${cfg.regionLabel}-karpenter`,
    {
      clusterName: cluster.clusterName,
      clusterEndpoint: cluster.endpoint,
      clusterSecurityGroupId: cluster.clusterSecurityGroupId,
      sfuSecurityGroupId: cluster.sfuSecurityGroupId,
      // Karpenter launches every SFU node, all of the type the capacity model sized the region for; LiveKit's
      // HPA minimum keeps the floor of nodes running.
      sfuInstanceType: cfg.cluster.sfuNodes.instanceType,
      // Egress nodes too: the model counts recordings per node and prices this type.
      egressInstanceType: sizing.plan.egress.nodeType,
      sfuNodeUserData: sfuNodeUserData(),
      ...nodePoolDrains(cfg),
      cpuLimits: { ...sizing.karpenterCpuLimits, general: cfg.karpenter.generalCpuLimit },
    },
    { providers, dependsOn: clusterReady },
  );

  // Workload images: digest pins from the stack file, through the region's ECR pull-through cache when it has one;
  // the charts' own images from Docker Hub, quay.io, registry.k8s.io and public.ecr.aws through it too.
  const mirror = cfg.images.mirror
    ? new RegistryMirror(`${cfg.regionLabel}-registry-mirror`, {
        repositoryPrefix: cfg.images.mirror.repositoryPrefix,
        upstreamPrefixes: {
          quay: cfg.images.mirror.quayRepositoryPrefix,
          kubernetes: cfg.images.mirror.kubernetesRepositoryPrefix,
          ecrPublic: cfg.images.mirror.ecrPublicRepositoryPrefix,
        },
        dockerHub: {
          username: cfg.images.mirror.dockerHubUsername,
          accessToken: pulumi.secret(cfg.images.mirror.dockerHubAccessToken),
        },
        nodeRoleNames: [cluster.nodeRole.name, karpenter.nodeRole.name],
      })
    : undefined;
  const images: ContainerImages = mirror ? mirror.images(cfg.images.pins) : containerImages(cfg.images.pins);
  const chartImages = mirror?.chartImageLocation();

  const loadBalancerController = new LoadBalancerController(
    `${cfg.regionLabel}-lbc`,
    { clusterName: cluster.clusterName, vpcId: network.vpcId, chartImages },
    { providers, dependsOn: clusterReady },
  );
  new MetricsServer(
    `${cfg.regionLabel}-metrics-server`,
    { chartImages },
    { providers, dependsOn: [cluster.systemNodeGroup] },
  );
  const keda = new Keda(`${cfg.regionLabel}-keda`, {}, { providers, dependsOn: [cluster.systemNodeGroup] });
  const storage = new BlockStorage(
    `${cfg.regionLabel}-storage`,
    { clusterName: cluster.clusterName, images, chartImages },
    { providers, dependsOn: clusterReady },
  );
  return {
    network,
    cluster,
    provider,
    providers,
    karpenter,
    images,
    chartImages,
    loadBalancerController,
    keda,
    storage,
  };
}

/** The namespaces of the media plane, the load test and the recorders, each at the Pod Security level its pods meet. */
function regionNamespaces({ cfg, rooms }: RegionContext, provider: Platform["provider"]) {
  // Privileged: LiveKit and Coturn run on the host network (and bind host ports), which baseline forbids. Warned
  // and audited at baseline, so anything a pod asks for beyond that shows up too.
  const workloads = new k8s.core.v1.Namespace(
    `${cfg.regionLabel}-${WORKLOAD_NAMESPACE}`,
    {
      metadata: { name: WORKLOAD_NAMESPACE, labels: podSecurityLabels("privileged", "baseline") },
    },
    { provider },
  );
  // Restricted: the load test needs no privilege at all, so it does not share the media plane's namespace.
  const loadTestNamespace = new k8s.core.v1.Namespace(
    `${cfg.regionLabel}-${LOAD_TEST_NAMESPACE}`,
    {
      metadata: { name: LOAD_TEST_NAMESPACE, labels: podSecurityLabels("restricted") },
    },
    { provider },
  );

  // In global rooms mode only the hub records (recordings stay in one declared region: docs/rooms-across-regions.md):
  // livekit-server sends StartEgress to whichever recorder on the shared bus answers, whatever region the room is in.
  const recordsHere = rooms === undefined || rooms.isHub;
  // Baseline: the recorders need no host namespace, but egress runs as its image's named user, which runAsNonRoot
  // cannot verify (components/egress/pod.ts), so restricted does not hold.
  const egressNamespace = recordsHere
    ? new k8s.core.v1.Namespace(
        `${cfg.regionLabel}-${EGRESS_NAMESPACE}`,
        { metadata: { name: EGRESS_NAMESPACE, labels: podSecurityLabels("baseline") } },
        { provider },
      )
    : undefined;
  return { workloads, loadTestNamespace, egressNamespace };
}

function regionCredentials(
  { cfg }: RegionContext,
  { workloads, loadTestNamespace, egressNamespace }: Namespaces,
  hubStack: HubStack | undefined,
  providers: Platform["providers"],
) {
  // The region's generated secrets, made once here and handed to each consumer below: the API keys and TURN
  // secrets, the AUTH token of a Redis of the region's own (a global rooms member takes the hub's), Grafana's
  // admin password.
  return new Credentials(
    cfg.regionLabel,
    {
      namespace: workloads.metadata.name,
      loadTestNamespace: loadTestNamespace.metadata.name,
      ...(egressNamespace ? { egressNamespace: egressNamespace.metadata.name } : {}),
      applicationKeys: applicationKeys(cfg.applicationKeys),
      // From config when given (required in global rooms mode), else generated in this region.
      ...(cfg.serviceKeys !== undefined
        ? {
            serviceKeys: {
              egress: { id: cfg.serviceKeys.egress.id, secret: pulumi.secret(cfg.serviceKeys.egress.secret) },
              loadTest: { id: cfg.serviceKeys.loadTest.id, secret: pulumi.secret(cfg.serviceKeys.loadTest.secret) },
            },
          }
        : {}),
      turnSecretGenerations: cfg.turn.sharedSecret,
      redisAuthToken: hubStack === undefined,
      grafanaAdminPassword: true,
    },
    { providers },
  );
}

/** A secret the region's Credentials were asked to make: a consumer that finds none is a wiring bug, said at once. */
function madeBy<T>(secret: T | undefined, what: string): T {
  if (secret === undefined) throw new Error(`stacks/region.ts: the region's Credentials made no ${what}`);
  return secret;
}

/** A global-mode member shares the hub's Redis; every other region has its own. */
async function regionRedis(
  { cfg, sizing, rooms, clusterName }: RegionContext,
  { network, cluster, provider, providers }: Platform,
  { workloads }: Namespaces,
  credentials: Credentials,
  hubStack: HubStack | undefined,
) {
  return hubStack
    ? await memberRedis(cfg, rooms!, hubStack, {
        vpcId: network.vpcId,
        routeTableIds: [...network.publicRouteTableIds, ...network.privateRouteTableIds],
        provider,
        namespace: workloads.metadata.name,
        nodeSecurityGroupId: cluster.clusterSecurityGroupId,
      })
    : new Redis(
        `${cfg.regionLabel}-redis`,
        {
          replicationGroupId: clusterName,
          vpcId: network.vpcId,
          subnetIds: network.privateSubnetIds,
          clientSecurityGroupId: cluster.clusterSecurityGroupId,
          // The capacity model's, or the stack file's (listed among the overrides).
          nodeType: "nodeType" in sizing.redis ? sizing.redis.nodeType : cfg.redis.nodeType!,
          nodeCount: cfg.redis.nodeCount,
          snapshotRetentionDays: REDIS_SNAPSHOT_RETENTION_DAYS,
          protect: cfg.protect,
          namespace: workloads.metadata.name,
          authToken: madeBy(credentials.redisAuthToken, "Redis AUTH token"),
        },
        { providers },
      );
}

/** LiveKit, Coturn beside it on the SFU nodes, and the recorders. */
function mediaPlane(
  { region, cfg, sizing, rooms, hostnames }: RegionContext,
  { cluster, providers, karpenter, images, keda }: Platform,
  { workloads, egressNamespace }: Namespaces,
  credentials: Credentials,
  redis: RegionRedis,
) {
  const maxRecordingSeconds = cfg.egress.maxRecordingHours * 3600;
  const livekit = new LiveKit(
    `${cfg.regionLabel}-livekit`,
    {
      namespace: workloads.metadata.name,
      server: {
        region: cfg.regionLabel,
        rtc: { tcpPort: cfg.rtc.tcpPort, portRange: cfg.rtc.udpPortRange },
        turnHost: hostnames.turn,
        room: {
          autoCreate: true,
          emptyTimeoutSeconds: cfg.livekit.emptyTimeoutSeconds,
          departureTimeoutSeconds: cfg.livekit.departureTimeoutSeconds,
          // 0 in the stack file: the mix's largest room, so no room grows past what the model planned.
          maxParticipants: cfg.livekit.maxParticipantsPerRoom || sizing.media.livekit.maxParticipants,
        },
        placement: sizing.media.livekit.placement,
        ...(rooms !== undefined ? { regions: rooms.regions } : {}),
        logging: { level: cfg.livekit.logLevel, json: true },
        ...(cfg.livekit.webhook ? { webhook: { urls: cfg.livekit.webhook.urls } } : {}),
      },
      keyFile: credentials.keyFile,
      turnSecret: credentials.turnSecret,
      signingKeyId: credentials.signingKeyId,
      redis: {
        host: redis.address,
        port: redis.port,
        password: { secret: redis.passwordSecret, key: REDIS_PASSWORD_KEY },
      },
      resources: {
        // Already net of Coturn, the DaemonSets and the headroom (lib/capacity sfuCpu).
        cpuRequestMillis: sizing.sfuPodCpuMillis,
        memoryRequestMiB: LIVEKIT_MEMORY.requestMiB,
        memoryLimitMiB: LIVEKIT_MEMORY.limitMiB,
      },
      autoscaling: sizing.sfuAutoscaling,
      images,
    },
    // The SFU pods run only on the sfu NodePool's nodes: Karpenter and its NodePools first, or the Deployment's
    // await times out with pods nothing can schedule (a global-mode member has no Redis to wait for meanwhile).
    { providers, dependsOn: [karpenter] },
  );

  const coturn = new Coturn(
    `${cfg.regionLabel}-coturn`,
    {
      sharedSecret: credentials.turnSecret,
      turnserver: turnserverSettings(region),
      resources: COTURN_RESOURCES,
      images,
    },
    { providers },
  );

  const egressKey = credentials.egressKeySecret;
  const egress =
    egressNamespace && egressKey
      ? new Egress(
          `${cfg.regionLabel}-egress`,
          {
            clusterName: cluster.clusterName,
            namespace: egressNamespace.metadata.name,
            // EGRESS_FORMER_NAMESPACE, by its object: what stays there is deleted before it on a teardown.
            formerNamespace: cfg.egress.drainFormerNamespace ? workloads.metadata.name : undefined,
            livekitUrl: livekit.internalUrl,
            apiKey: egressKey,
            redis: { host: redis.address, port: redis.port, password: redis.authToken },
            resources: { cpus: EGRESS_POD_CPU, memoryGiB: EGRESS_POD_MEMORY_GIB, maxMemoryGiB: EGRESS_MAX_MEMORY_GIB },
            // Only an idle pod can take a room composite: its CPUs x max_cpu_utilization is exactly the cost.
            compositeCpuCost: EGRESS_POD_CPU * EGRESS_MAX_CPU_UTILISATION,
            autoscaling: { ...sizing.egressAutoscaling, idleShare: EGRESS_IDLE_SHARE },
            prometheusUrl: PROMETHEUS_URL,
            maxRecordingSeconds,
            recordingRetentionDays: cfg.egress.recordingRetentionDays,
            protectRecordings: cfg.protect,
            images,
          },
          // KEDA's release installs the CRDs of the egress ScaledObject; the recorders run only on the egress
          // NodePool's nodes.
          { providers, dependsOn: [cluster.podIdentityAgent, keda.release, karpenter] },
        )
      : undefined;
  return { livekit, coturn, egress };
}

/** What faces the internet: the load balancers, their names and certificates, their access logs; the load test. */
function regionEdge(
  { cfg, clusterName, hostnames }: RegionContext,
  { network, providers, karpenter, images, loadBalancerController }: Platform,
  { loadTestNamespace }: Namespaces,
  credentials: Credentials,
  { livekit, coturn, egress }: MediaPlane,
) {
  // Who touched what: access logs of the recordings bucket and of both load balancers, and the VPC's flow log.
  const auditLogs = new AuditLogs(cfg.regionLabel, {
    clusterName,
    vpcId: network.vpcId,
    loggedBuckets: egress ? [{ label: "recordings", bucket: egress.bucketName, arn: egress.bucketArn }] : [],
    retentionDays: cfg.auditLogs.retentionDays,
    flowLogRetentionDays: cfg.auditLogs.flowLogRetentionDays,
    protect: cfg.protect,
  });

  const endpoints = new Endpoints(
    `${cfg.regionLabel}-endpoints`,
    {
      signallingHostname: hostnames.signalling,
      turnHostname: hostnames.turn,
      globalHostname: cfg.domain,
      ownsGlobalNameValidation: cfg.dns.ownsGlobalNameValidation,
      dns: { provider: cfg.dns.provider, zoneId: cfg.dns.zoneId },
      livekit,
      coturn,
      accessLogs: { signalling: auditLogs.signallingLoadBalancerLogs, turn: auditLogs.turnLoadBalancerLogs },
      // Off with `protect`: the controller deletes no protected load balancer, and a teardown needs it to.
      deletionProtection: cfg.protect,
    },
    // The controller's webhooks must answer before the Ingress and the Service are created.
    { providers, dependsOn: [loadBalancerController.release] },
  );

  const loadTest = new LoadTest(
    `${cfg.regionLabel}-load-test`,
    {
      namespace: loadTestNamespace.metadata.name,
      url: signallingUrl({ signallingHostname: hostnames.signalling }),
      apiKey: credentials.loadTestKey,
      rooms: cfg.loadTest.rooms,
      videoPublishersPerRoom: cfg.loadTest.videoPublishersPerRoom,
      subscribersPerRoom: cfg.loadTest.subscribersPerRoom,
      duration: cfg.loadTest.duration,
      resources: LOAD_TEST_RESOURCES,
      // Public IPs to reach the SFU without the NAT gateway, and no inbound rule from the internet.
      publicNodes: { nodeClassName: "outbound" },
      images,
    },
    // The tester NodePool needs Karpenter's CRDs.
    { providers, dependsOn: [karpenter] },
  );
  return { auditLogs, endpoints, loadTest };
}

/** Prometheus, its alerts and where they go, Grafana. */
function observability(
  { cfg, sizing }: RegionContext,
  { cluster, providers, chartImages, storage }: Platform,
  credentials: Credentials,
  { livekit, coturn, egress }: MediaPlane,
) {
  return new Monitoring(
    `${cfg.regionLabel}-monitoring`,
    {
      region: cfg.regionLabel,
      storageClassName: storage.storageClassName,
      alerts: {
        capacity: { maxRooms: sizing.planned.rooms, maxParticipants: sizing.planned.participants },
        sfu: { namespace: WORKLOAD_NAMESPACE, deployment: "livekit-server" },
        turn: {
          totalQuota: sizing.media.turn.totalQuota,
          // The relay traffic the capacity plan puts on each node at peak, to 0.1 Mbps.
          relayBudgetMbps: Math.round(sizing.media.turn.relayMbpsPerNode * 10) / 10,
        },
        runbookBase: cfg.monitoring.runbookUrl,
        ...(egress === undefined ? { egress: false } : {}),
      },
      scrapeTargets: {
        livekit: { namespace: WORKLOAD_NAMESPACE, podLabels: livekit.podLabels, port: "metrics" },
        ...(egress !== undefined
          ? { egress: { namespace: EGRESS_NAMESPACE, podLabels: egress.podLabels, port: "metrics" } }
          : {}),
        coturn: { namespace: WORKLOAD_NAMESPACE, podLabels: coturn.podLabels, port: "metrics" },
      },
      retention: {
        time: cfg.monitoring.retention,
        size: cfg.monitoring.retentionSize,
        volumeSize: cfg.monitoring.volumeSize,
      },
      alerting: {
        clusterName: cluster.clusterName,
        emailSubscriptions: cfg.alerting.emailSubscriptions,
        slackWebhookUrl: secretOrNothing(cfg.alerting.slackWebhookUrl),
        pagerDutyRoutingKey: secretOrNothing(cfg.alerting.pagerDutyRoutingKey),
        pagerDutyCloudWatchIntegrationKey: secretOrNothing(cfg.alerting.pagerDutyCloudWatchIntegrationKey),
        heartbeatUrl: secretOrNothing(cfg.alerting.heartbeatUrl),
      },
      chartImages,
      grafanaAdminPassword: madeBy(credentials.grafanaAdminPassword, "Grafana's admin password"),
    },
    // Its volumes need the storage driver and the gp3 StorageClass.
    { providers, dependsOn: [storage] },
  );
}

/** Which pod reaches what, and the alarms on the region's Redis. */
function guardrails(
  { cfg, sizing, clusterName }: RegionContext,
  { network, providers }: Platform,
  { workloads, loadTestNamespace, egressNamespace }: Namespaces,
  { livekit, egress }: MediaPlane,
  redis: RegionRedis,
  monitoring: Monitoring,
) {
  new NetworkPolicies(
    `${cfg.regionLabel}-network-policy`,
    {
      vpcCidr: network.cidrBlock,
      workloadNamespace: WORKLOAD_NAMESPACE,
      loadTestNamespace: LOAD_TEST_NAMESPACE,
      monitoringNamespace: MONITORING_NAMESPACE,
      kedaNamespace: KEDA_NAMESPACE,
      livekit: { podLabels: livekit.podLabels, httpPort: LIVEKIT_HTTP_PORT, metricsPort: LIVEKIT_METRICS_PORT },
      coturn: { metricsPort: COTURN_METRICS_PORT },
      ...(egress !== undefined
        ? {
            egress: {
              namespace: EGRESS_NAMESPACE,
              formerNamespace: cfg.egress.drainFormerNamespace ? EGRESS_FORMER_NAMESPACE : undefined,
              podLabels: egress.podLabels,
              metricsPort: EGRESS_METRICS_PORT,
              updaterPodLabels: egress.deletionCostUpdaterPodLabels,
            },
          }
        : {}),
      media: {
        rtcUdpPorts: cfg.rtc.udpPortRange,
        rtcTcpPort: cfg.rtc.tcpPort,
        turnUdpPort: TURN_UDP_PORT,
        turnTlsPort: TURN_TLS_PORT,
      },
      redis: { port: REDIS_PORT, subnetCidrs: network.privateSubnetCidrs },
      chaosDrills: cfg.chaos.enabled,
    },
    // The VPC CNI that enforces them comes with the cluster; the namespaces must exist first.
    { providers, dependsOn: [workloads, ...(egressNamespace ? [egressNamespace] : []), loadTestNamespace, monitoring] },
  );

  // CloudWatch alarms on every node of the region's Redis (a global-rooms member has none: the hub watches its own).
  if (redis instanceof Redis && "nodeType" in sizing.redis) {
    new RedisAlarms(`${cfg.regionLabel}-redis-alarms`, {
      replicationGroupId: clusterName,
      nodeCount: cfg.redis.nodeCount,
      node: CACHE_NODE_TYPES[sizing.redis.nodeType],
      plannedConnections: sizing.redis.load.connections,
      runbookBase: cfg.monitoring.runbookUrl ?? "docs/runbooks.md",
      alertTopicArn: monitoring.alertTopicArn,
    });
  }
}

/** The fault-injection templates, when the stack enables them. */
function drills(
  { cfg }: RegionContext,
  { cluster, providers }: Platform,
  { workloads }: Namespaces,
  { livekit }: MediaPlane,
  { endpoints }: Edge,
) {
  if (cfg.chaos.enabled) {
    new Chaos(
      `${cfg.regionLabel}-chaos`,
      {
        clusterName: cluster.clusterName,
        sfuNodePoolName: SFU_NODE_POOL,
        namespace: workloads.metadata.name,
        livekitPodLabels: livekit.podLabels,
        signallingLoadBalancerHostname: endpoints.albHostname,
        sfuNodeTerminationPercent: cfg.chaos.sfuNodeTerminationPercent,
        turnNodeTerminationPercent: cfg.chaos.turnNodeTerminationPercent,
        livekitPodDeletePercent: cfg.chaos.livekitPodDeletePercent,
        logRetentionDays: cfg.chaos.logRetentionDays,
      },
      { providers },
    );
  }
}

/** The stack's outputs: the contract the global stack reads, and what operators and the application need. */
function regionOutputs(
  { cfg, sizing, rooms, hostnames }: RegionContext,
  { network, cluster }: Platform,
  credentials: Credentials,
  redis: RegionRedis,
  { egress }: MediaPlane,
  { auditLogs, loadTest, endpoints }: Edge,
  monitoring: Monitoring,
) {
  const contract: RegionOutputs<pulumi.Input<string>> = {
    awsRegion: cfg.awsRegion,
    regionLabel: cfg.regionLabel,
    signallingHostname: hostnames.signalling,
    turnHostname: hostnames.turn,
    signallingLoadBalancer: { dnsName: endpoints.albHostname, zoneId: endpoints.albZoneId },
    turnLoadBalancer: { dnsName: endpoints.nlbHostname, zoneId: endpoints.nlbZoneId },
  };
  return {
    ...contract,
    role: cfg.role,
    ...(credentials.applicationKeyOutputs satisfies ApplicationKeyOutputs),
    // Every key the region accepts, by id, with a fingerprint of its secret: the global stack (and in global
    // rooms mode each member) checks that a key id means the same secret everywhere.
    [API_KEY_FINGERPRINTS_OUTPUT]: credentials.apiKeyFingerprints,
    signallingUrl: signallingUrl({ signallingHostname: hostnames.signalling }),
    clusterName: cluster.clusterName,
    clusterEndpoint: cluster.endpoint,
    redisAddress: redis.address,
    ...(rooms !== undefined ? { rooms: roomsOutput(cfg, rooms) } : {}),
    ...(rooms?.isHub && redis instanceof Redis ? hubOutputs(cfg, network, redis) : {}),
    ...(egress !== undefined ? { recordingsBucket: egress.bucketName } : {}),
    auditLogsBucket: auditLogs.bucketName,
    flowLogGroup: auditLogs.flowLogGroupName,
    alertTopicArn: monitoring.alertTopicArn,
    loadTestJob: pulumi.interpolate`${LOAD_TEST_NAMESPACE}/${loadTest.jobName}`,
    sizing: {
      mix: cfg.capacity.mix.preset ?? "custom",
      targetParticipants: cfg.capacity.targetParticipants,
      binding: sizing.plan.sfu.binding,
      sfuNodes: sizing.sfuNodes,
      sfuAutoscaling: sizing.sfuAutoscaling,
      karpenterCpuLimits: sizing.karpenterCpuLimits,
      overrides: sizing.overrides,
      // Monthly USD from the pinned prices (lib/capacity/cost.ts); `estimate: true` while any price used is one.
      cost: sizing.cost,
    },
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
  };
}
