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
