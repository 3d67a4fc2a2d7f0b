/**
 * The NetworkPolicy evaluator the security tests rely on (test/support/network-policy.ts) decides as the
 * Kubernetes API documents ("Network Policies": isolation, how rules and peers combine, ipBlock except).
 */
import { allowed, NetworkPolicyObject, World } from "../../support/network-policy";

const policy = (namespace: string, spec: NetworkPolicyObject["spec"]): NetworkPolicyObject => ({
  metadata: { name: "p", namespace },
  spec,
});
const app = { namespace: "a", labels: { app: "web" }, ip: "10.0.0.5" };
const db = { namespace: "b", labels: { app: "db" } };
const world = (...policies: NetworkPolicyObject[]): World => ({ policies, namespaces: { a: {}, b: { team: "x" } } });

describe("the NetworkPolicy evaluator", () => {
  it("allows everything to a pod no policy selects, and nothing once a default deny selects it", () => {
    expect(allowed(world(), { from: app, to: { ip: "8.8.8.8", port: 53, protocol: "UDP" } })).toBe(true);
    const deny = policy("a", { podSelector: {}, policyTypes: ["Egress"] });
    expect(allowed(world(deny), { from: app, to: { ip: "8.8.8.8", port: 53, protocol: "UDP" } })).toBe(false);
    // Ingress only by default: a policy without egress rules or policyTypes does not isolate egress.
    expect(allowed(world(policy("a", { podSelector: {} })), { from: app, to: { ip: "8.8.8.8", port: 53 } })).toBe(true);
  });

  it("takes an ipBlock's except out of its cidr, and matches port and protocol", () => {
    const internet = policy("a", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "169.254.169.254/32"] } }],
          ports: [{ port: 443 }],
        },
      ],
    });
    expect(allowed(world(internet), { from: app, to: { ip: "1.1.1.1", port: 443 } })).toBe(true);
    expect(allowed(world(internet), { from: app, to: { ip: "1.1.1.1", port: 443, protocol: "UDP" } })).toBe(false);
    expect(allowed(world(internet), { from: app, to: { ip: "1.1.1.1", port: 80 } })).toBe(false);
    expect(allowed(world(internet), { from: app, to: { ip: "10.1.2.3", port: 443 } })).toBe(false);
    expect(allowed(world(internet), { from: app, to: { ip: "169.254.169.254", port: 443 } })).toBe(false);
    expect(allowed(world(internet), { from: app, to: { ip: "169.254.169.253", port: 443 } })).toBe(true);
  });

  it("reads namespaceSelector and podSelector in one peer as AND, in two peers as OR", () => {
    const and = policy("a", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { team: "x" } }, podSelector: { matchLabels: { app: "cache" } } }] },
      ],
    });
    const or = policy("a", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            { namespaceSelector: { matchLabels: { team: "x" } } },
            { podSelector: { matchLabels: { app: "cache" } } },
          ],
        },
      ],
    });
    const toDb = { from: app, to: { ip: "10.0.1.1", port: 5432, pod: db } };
    expect(allowed(world(and), toDb)).toBe(false);
    expect(allowed(world(or), toDb)).toBe(true);
    // A podSelector alone means the policy's own namespace.
    const cacheInA = {
      from: app,
      to: { ip: "10.0.1.2", port: 6379, pod: { namespace: "a", labels: { app: "cache" } } },
    };
    const cacheInB = {
      from: app,
      to: { ip: "10.0.1.3", port: 6379, pod: { namespace: "b", labels: { app: "cache" } } },
    };
    expect(allowed(world(or), cacheInA)).toBe(true);
    expect(allowed(world(and), cacheInB)).toBe(true);
    expect(allowed(world(and), cacheInA)).toBe(false);
  });

  it("needs the destination pod's ingress too, and leaves host-network pods unselected", () => {
    const denyIngress = policy("b", { podSelector: {}, policyTypes: ["Ingress"] });
    expect(allowed(world(denyIngress), { from: app, to: { ip: "10.0.1.1", port: 5432, pod: db } })).toBe(false);
    const fromA = policy("b", {
      podSelector: { matchLabels: { app: "db" } },
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "a" } } }],
          ports: [{ port: 5432 }],
        },
      ],
    });
    expect(allowed(world(denyIngress, fromA), { from: app, to: { ip: "10.0.1.1", port: 5432, pod: db } })).toBe(true);
    expect(allowed(world(denyIngress, fromA), { from: app, to: { ip: "10.0.1.1", port: 22, pod: db } })).toBe(false);
    const hostPod = { ...db, hostNetwork: true };
    expect(allowed(world(denyIngress), { from: app, to: { ip: "10.0.1.1", port: 5432, pod: hostPod } })).toBe(true);
  });
});
