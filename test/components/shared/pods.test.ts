import { checkResources, hostPort, nonRootPodSecurityContext, secretKeyName } from "../../../components/shared/pods";
import { InputError } from "../../../lib/errors";
import { podSecurityProblems } from "../../../policy/pod-security";

const resources = { cpuRequestMillis: 500, memoryRequestMiB: 512, memoryLimitMiB: 1024 };

describe("a pod's resources", () => {
  it("pass with positive whole numbers and a memory limit at or above the request", () => {
    expect(() => checkResources("coturn resources", resources)).not.toThrow();
    expect(() => checkResources("coturn resources", { ...resources, memoryLimitMiB: 512 })).not.toThrow();
  });

  it.each([
    ["cpuRequestMillis", 0],
    ["cpuRequestMillis", -250],
    ["memoryRequestMiB", 0.5],
    ["memoryLimitMiB", Number.NaN],
  ])("refuse %s %p with one line naming the field", (field, value) => {
    // Kubernetes takes "0.5Mi" or "0m", but a zero request schedules the SFU anywhere and a fraction rounds away.
    const broken = { ...resources, memoryLimitMiB: 4096, [field]: value };
    expect(() => checkResources("livekit resources", broken)).toThrow(
      new InputError(`livekit resources.${field}`, "must be a positive integer", value),
    );
  });

  it("refuse a memory limit below the request, which the API server rejects (limit < request)", () => {
    expect(() => checkResources("livekit resources", { ...resources, memoryLimitMiB: 511 })).toThrow(
      new InputError("livekit resources.memoryLimitMiB", "must be at least memoryRequestMiB (512)", 511),
    );
  });
});

describe("the non-root pod security context", () => {
  const container = {
    name: "app",
    image: "example",
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
  };

  it("meets the restricted Pod Security Standard for a container that drops everything", () => {
    const spec = { securityContext: nonRootPodSecurityContext(65534), containers: [container] };
    expect(podSecurityProblems(spec, "restricted")).toEqual([]);
  });

  it("runs as the uid given, in its own group, which owns the pod's volumes (fsGroup)", () => {
    expect(nonRootPodSecurityContext(1000)).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
  });

  it("is refused by the restricted standard without its seccomp profile or with root", () => {
    const { seccompProfile: _, ...noSeccomp } = nonRootPodSecurityContext(65534);
    expect(podSecurityProblems({ securityContext: noSeccomp, containers: [container] }, "restricted")).toEqual([
      'seccompProfile: container "app" must be RuntimeDefault or Localhost',
    ]);
    // runAsNonRoot with uid 0: the kubelet refuses to start it; the standard refuses runAsUser 0.
    const root = nonRootPodSecurityContext(0);
    expect(podSecurityProblems({ securityContext: root, containers: [container] }, "restricted")).toEqual([
      "runAsUser: the pod runs as uid 0",
    ]);
  });
});

describe("a host network port", () => {
  // On the host network the API server refuses a hostPort other than the containerPort (kubernetes
  // pkg/apis/core/validation/validation.go, validateHostNetwork), and since 1.28 it no longer fills hostPort in for a
  // pod template, so the builder sets both.
  it("is the same port on the host and in the container", () => {
    expect(hostPort("turn-udp", 3478, "UDP")).toEqual({
      name: "turn-udp",
      containerPort: 3478,
      hostPort: 3478,
      protocol: "UDP",
    });
  });

  it("is TCP unless given", () => {
    expect(hostPort("metrics", 9641).protocol).toBe("TCP");
  });
});

describe("a Secret's key as a pod spec names it", () => {
  it("is the Secret's name and the key", () => {
    const secret = { metadata: { name: "mumbai-livekit-api-keys" } } as never;
    expect(secretKeyName({ secret, key: "keys.yaml" })).toEqual({
      secretName: "mumbai-livekit-api-keys",
      key: "keys.yaml",
    });
  });
});
