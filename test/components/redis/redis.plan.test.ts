import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Redis, RedisArgs } from "../../../components/redis";
import { versions } from "../../../lib/versions";
import { findResource, inputsOf, isSecret, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import { mockResource } from "../../../tools/plan/mock-cloud";
import { runComponents } from "../../support/plan";

const settings: Omit<RedisArgs, "provider"> = {
  replicationGroupId: "livekit-test",
  vpcId: "vpc-0abc12345def67890",
  subnetIds: ["subnet-0prv00001", "subnet-0prv00002", "subnet-0prv00003"],
  clientSecurityGroupId: "sg-0nodes00000000001",
  nodeType: "cache.r7g.large",
  nodeCount: 3,
  snapshotRetentionDays: 5,
  namespace: "livekit",
  // What the region's Credentials generate (test/components/credentials): a plain string here, which the
  // component must keep secret itself.
  authToken: "RedisAuthToken0123456789abcdefghijklmnopqrstuvwx",
};

describe("Redis", () => {
  let plan: PlanResult;
  let outputs: { address: string; port: number };
  let authTokenIsSecret: boolean;
  const group = () => findResource(plan, "aws:elasticache/replicationGroup:ReplicationGroup", "redis");
  const secret = () => findResource(plan, "kubernetes:core/v1:Secret", "redis-auth");

  beforeAll(async () => {
    let redis: Redis | undefined;
    plan = await runComponents(() => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
      redis = new Redis("redis", settings, { providers: [provider] });
    });
    authTokenIsSecret = await pulumi.isSecret(redis!.authToken);
    outputs = await new Promise((resolve) =>
      pulumi.all([redis!.address, redis!.port]).apply(([address, port]) => resolve({ address, port })),
    );
  });

  it("runs the pinned Valkey engine on the configured node type", () => {
    expect(inputsOf(group())).toMatchObject({
      engine: versions.redis.engine,
      engineVersion: versions.redis.engineVersion,
      nodeType: "cache.r7g.large",
      port: 6379,
    });
    expect(["valkey", "redis"]).toContain(versions.redis.engine);
  });

  it("encrypts in transit and at rest, and requires an AUTH token", () => {
    expect(inputsOf(group())).toMatchObject({ transitEncryptionEnabled: true, atRestEncryptionEnabled: true });
    expect(isSecret(group().inputs.authToken)).toBe(true);
    expect(inputsOf(group()).authToken.length).toBeGreaterThanOrEqual(16);
  });

  it("sets the token it is given, hands it on as a secret (Egress's config), and generates none of its own", () => {
    expect(inputsOf(group()).authToken).toBe(settings.authToken);
    expect(authTokenIsSecret).toBe(true);
    expect(resourcesOfType(plan, "random:index/randomPassword:RandomPassword")).toEqual([]);
  });

  it("keeps a replica in another availability zone and fails over to it automatically", () => {
    expect(inputsOf(group())).toMatchObject({
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      numCacheClusters: 3,
    });
    const subnets = findResource(plan, "aws:elasticache/subnetGroup:SubnetGroup", "redis");
    expect(inputsOf(subnets).subnetIds).toEqual(settings.subnetIds);
    expect(group().dependencies).toContain(subnets.urn);
  });

  it("admits the Redis port only from the cluster's nodes", () => {
    const sg = findResource(plan, "aws:ec2/securityGroup:SecurityGroup", "redis");
    expect(inputsOf(sg)).toMatchObject({ vpcId: settings.vpcId });
    expect(inputsOf(sg).ingress ?? []).toEqual([]);
    const rules = resourcesOfType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(rules.map((r) => inputsOf(r))).toEqual([
      expect.objectContaining({
        ipProtocol: "tcp",
        fromPort: 6379,
        toPort: 6379,
        referencedSecurityGroupId: "sg-0nodes00000000001",
      }),
    ]);
    expect(inputsOf(rules[0]).cidrIpv4).toBeUndefined();
    expect(inputsOf(rules[0]).cidrIpv6).toBeUndefined();
    expect(rules[0].dependencies).toContain(sg.urn);
    expect(group().dependencies).toContain(sg.urn);
  });

  it("keeps daily snapshots and maintains in a window that does not overlap them", () => {
    const g = inputsOf(group());
    expect(g.snapshotRetentionLimit).toBe(5);
    const [, snapStart, snapEnd] = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(g.snapshotWindow) ?? [];
    const [, maintStart, maintEnd] = /^[a-z]{3}:(\d\d:\d\d)-[a-z]{3}:(\d\d:\d\d)$/.exec(g.maintenanceWindow) ?? [];
    expect([snapStart, snapEnd, maintStart, maintEnd].every(Boolean)).toBe(true);
    expect(maintStart >= snapEnd || maintEnd <= snapStart).toBe(true);
  });

  it("hands the token to workloads in a Secret in their namespace, secret all the way", () => {
    expect(inputsOf(secret())).toMatchObject({
      apiVersion: "v1",
      kind: "Secret",
      type: "Opaque",
      metadata: { namespace: "livekit" },
    });
    expect(
      isSecret(secret().inputs.stringData) ||
        isSecret((secret().inputs.stringData as Record<string, unknown>).password),
    ).toBe(true);
    expect(inputsOf(secret()).stringData.password).toBe(inputsOf(group()).authToken);
    expect(secret().provider?.startsWith(`${findResource(plan, "pulumi:providers:kubernetes", "k8s").urn}::`)).toBe(
      true,
    );
  });

  it("never lets the token appear outside a secret, anywhere in the plan", () => {
    const token: string = inputsOf(group()).authToken;
    const leaks: string[] = [];
    const scan = (value: unknown, where: string): void => {
      if (isSecret(value)) return;
      if (typeof value === "string" && value.includes(token)) leaks.push(where);
      else if (value !== null && typeof value === "object")
        for (const [k, v] of Object.entries(value)) scan(v, `${where}.${k}`);
    };
    for (const r of plan.resources) scan(r.inputs, `${r.type} ${r.name}`);
    scan(plan.outputs, "outputs");
    expect(leaks).toEqual([]);
  });

  it("outputs the primary endpoint (not the reader endpoint) and port for clients", () => {
    const answer = mockResource(
      { type: group().type, name: group().name, inputs: inputsOf(group()) },
      { awsRegion: "ap-south-1" },
    ).state;
    expect(outputs).toEqual({ address: answer.primaryEndpointAddress, port: 6379 });
    expect(outputs.address).not.toBe(answer.readerEndpointAddress);
  });
});
