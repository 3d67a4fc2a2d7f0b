/**
 * The builder's options that the shipped stacks do not take: evaluated like the plan's policies
 * (test/stacks/security-baseline.plan.test.ts).
 */
import { platformNetworkPolicies, PlatformNetworkInput } from "../../../components/network-policy/policies";
import { allowed, NetworkPolicyObject, World } from "../../support/network-policy";

const INPUT: PlatformNetworkInput = {
  vpcCidr: "10.20.0.0/16",
  workloadNamespace: "livekit",
  loadTestNamespace: "livekit-load-test",
  monitoringNamespace: "monitoring",
  kedaNamespace: "keda",
  livekit: { podLabels: { "app.kubernetes.io/name": "livekit-server" }, httpPort: 7880, metricsPort: 6789 },
  coturn: { metricsPort: 9641 },
  media: { rtcUdpPorts: { start: 50000, end: 60000 }, rtcTcpPort: 7881, turnUdpPort: 3478, turnTlsPort: 443 },
  redis: { port: 6379, subnetCidrs: ["10.20.0.0/19", "10.20.32.0/19"] },
};
const worldOf = (input: PlatformNetworkInput): World => ({
  policies: platformNetworkPolicies(input).map(
    (p) => ({ metadata: { name: p.name, namespace: p.namespace }, spec: p.spec }) as NetworkPolicyObject,
  ),
  namespaces: {},
});
const fisPod = { namespace: "livekit", labels: { "app.kubernetes.io/name": "fis-pod" }, ip: "10.20.5.5" };
const platformPod = {
  namespace: "livekit",
  labels: { "app.kubernetes.io/name": "something", "app.kubernetes.io/part-of": "livekit-platform" },
  ip: "10.20.5.6",
};

describe("the region's NetworkPolicies with chaos drills", () => {
  it("let FIS's pod in the media plane's namespace reach the API server, and nothing else", () => {
    const drills = worldOf({ ...INPUT, chaosDrills: true });
    const apiServer = { ip: "172.20.0.1", port: 443 };
    expect(allowed(drills, { from: fisPod, to: apiServer })).toBe(true);
    expect(allowed(drills, { from: fisPod, to: { ip: "1.1.1.1", port: 443 } })).toBe(false);
    expect(allowed(drills, { from: fisPod, to: { ip: "169.254.169.254", port: 80 } })).toBe(false);
    // The platform's own pods are not FIS's: the allowance does not reach them.
    expect(allowed(drills, { from: platformPod, to: apiServer })).toBe(false);
    // Without drills, FIS's pod would be denied like any other.
    expect(allowed(worldOf(INPUT), { from: fisPod, to: apiServer })).toBe(false);
  });
});

describe("the recorders' policies", () => {
  const egress = {
    namespace: "livekit-egress",
    podLabels: { "app.kubernetes.io/name": "livekit-egress" },
    metricsPort: 9090,
    updaterPodLabels: { "app.kubernetes.io/name": "livekit-egress-deletion-cost" },
  };
  const recorderIn = (namespace: string) => ({ namespace, labels: egress.podLabels, ip: "10.20.129.40" });

  it("name a port in every rule, so the VPC CNI's agent has no portless rule to widen (aws/aws-network-policy-agent#180)", () => {
    const ported = (name: string) => name.startsWith("recorders") || name === "load-test";
    for (const policy of worldOf({ ...INPUT, egress }).policies.filter((p) => ported(p.metadata.name)))
      for (const rule of policy.spec.egress ?? [])
        expect([policy.metadata.name, (rule.ports ?? []).length > 0]).toEqual([policy.metadata.name, true]);
  });

  it("stay in the namespace the recorders left only while it is named, and the updater's moves", () => {
    const moving = worldOf({ ...INPUT, egress: { ...egress, formerNamespace: "livekit" } });
    const moved = worldOf({ ...INPUT, egress });
    const web = { ip: "1.1.1.1", port: 443 };
    expect(allowed(moving, { from: recorderIn("livekit"), to: web })).toBe(true);
    expect(allowed(moving, { from: recorderIn("livekit-egress"), to: web })).toBe(true);
    expect(allowed(moved, { from: recorderIn("livekit"), to: web })).toBe(false); // the media plane's default deny
    expect(allowed(moved, { from: recorderIn("livekit-egress"), to: web })).toBe(true);
    expect(
      platformNetworkPolicies({ ...INPUT, egress: { ...egress, formerNamespace: "livekit" } })
        .filter((p) => p.name === "recorders-deletion-cost")
        .map((p) => p.namespace),
    ).toEqual(["livekit-egress"]);
  });
});
