/**
 * The Pod Security Standards as policy/pod-security.ts encodes them, case by case from
 * kubernetes/pod-security-admission v0.35.2 policy/check_*.go.
 */
import { podSecurityProblems, strictestPodSecurityLevel } from "../../policy/pod-security";
import type { PodSpec } from "../../policy/workloads";

const RESTRICTED: PodSpec = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
  containers: [
    { name: "app", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } } as never,
  ],
  volumes: [{ name: "tmp", emptyDir: {} }],
};
const withContainer = (securityContext: Record<string, unknown>, extra: Record<string, unknown> = {}): PodSpec => ({
  ...RESTRICTED,
  containers: [{ name: "app", securityContext, ...extra } as never],
});
const hardened = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

describe("baseline", () => {
  it("forbids host namespaces, privileged containers, hostPath volumes and host ports (check_hostNamespaces, check_privileged, check_hostPathVolumes, check_hostPorts)", () => {
    expect(podSecurityProblems({ ...RESTRICTED, hostNetwork: true }, "baseline")).toEqual([
      "hostNamespaces: hostNetwork=true",
    ]);
    expect(podSecurityProblems({ ...RESTRICTED, hostPID: true }, "baseline")).toEqual(["hostNamespaces: hostPID=true"]);
    expect(podSecurityProblems(withContainer({ ...hardened, privileged: true }), "baseline")).toEqual([
      'privileged: container "app" is privileged',
    ]);
    expect(
      podSecurityProblems({ ...RESTRICTED, volumes: [{ name: "h", hostPath: { path: "/" } }] }, "baseline"),
    ).toHaveLength(1);
    expect(
      podSecurityProblems(withContainer(hardened, { ports: [{ containerPort: 80, hostPort: 80 }] }), "baseline"),
    ).toEqual(['hostPorts: container "app" uses hostPort 80']);
  });

  it("lets a container add only the default capabilities, NET_RAW excluded (check_capabilities_baseline)", () => {
    const adding = (cap: string) => withContainer({ ...hardened, capabilities: { drop: ["ALL"], add: [cap] } });
    expect(podSecurityProblems(adding("NET_BIND_SERVICE"), "baseline")).toEqual([]);
    expect(podSecurityProblems(adding("CHOWN"), "baseline")).toEqual([]);
    expect(podSecurityProblems(adding("NET_RAW"), "baseline")).toEqual(['capabilities: container "app" adds NET_RAW']);
    expect(podSecurityProblems(adding("SYS_ADMIN"), "baseline")).toHaveLength(1);
  });

  it("forbids Unconfined seccomp and unsafe sysctls (check_seccompProfile_baseline, check_sysctls)", () => {
    expect(
      podSecurityProblems(withContainer({ ...hardened, seccompProfile: { type: "Unconfined" } }), "baseline"),
    ).toHaveLength(1);
    const sysctl = (name: string): PodSpec => ({
      ...RESTRICTED,
      securityContext: { ...(RESTRICTED.securityContext as object), sysctls: [{ name, value: "1" }] },
    });
    expect(podSecurityProblems(sysctl("net.ipv4.ip_local_port_range"), "baseline")).toEqual([]);
    expect(podSecurityProblems(sysctl("net.core.rmem_max"), "baseline")).toEqual([
      "sysctls: net.core.rmem_max is not a safe sysctl",
    ]);
  });
});

describe("restricted", () => {
  it("holds for a non-root pod with RuntimeDefault seccomp whose containers drop ALL and never escalate", () => {
    expect(podSecurityProblems(RESTRICTED, "restricted")).toEqual([]);
    expect(strictestPodSecurityLevel(RESTRICTED)).toBe("restricted");
  });

  it("needs runAsNonRoot at the pod or on every container, and never uid 0 (check_runAsNonRoot, check_runAsUser)", () => {
    const pod = (securityContext: Record<string, unknown>, container: Record<string, unknown> = hardened): PodSpec => ({
      ...withContainer(container),
      securityContext: { seccompProfile: { type: "RuntimeDefault" }, ...securityContext },
    });
    expect(podSecurityProblems(pod({}), "restricted")).toEqual(['runAsNonRoot: container "app" must run as non-root']);
    expect(podSecurityProblems(pod({}, { ...hardened, runAsNonRoot: true }), "restricted")).toEqual([]);
    expect(
      podSecurityProblems(pod({ runAsNonRoot: true }, { ...hardened, runAsNonRoot: false }), "restricted"),
    ).toHaveLength(1);
    expect(podSecurityProblems(pod({ runAsNonRoot: true, runAsUser: 0 }), "restricted")).toEqual([
      "runAsUser: the pod runs as uid 0",
    ]);
  });

  it("needs RuntimeDefault or Localhost seccomp, at the pod or on every container (check_seccompProfile_restricted)", () => {
    const noPodSeccomp: PodSpec = { ...RESTRICTED, securityContext: { runAsNonRoot: true } };
    expect(podSecurityProblems(noPodSeccomp, "restricted")).toEqual([
      'seccompProfile: container "app" must be RuntimeDefault or Localhost',
    ]);
    expect(
      podSecurityProblems(
        {
          ...noPodSeccomp,
          containers: withContainer({ ...hardened, seccompProfile: { type: "Localhost" } }).containers,
        },
        "restricted",
      ),
    ).toEqual([]);
  });

  it("needs drop ALL, no added capability but NET_BIND_SERVICE, no escalation, and only ephemeral volumes (check_capabilities_restricted, check_allowPrivilegeEscalation, check_restrictedVolumes)", () => {
    expect(podSecurityProblems(withContainer({ allowPrivilegeEscalation: false }), "restricted")).toEqual([
      'capabilities: container "app" must drop ALL',
    ]);
    expect(
      podSecurityProblems(
        withContainer({ ...hardened, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } }),
        "restricted",
      ),
    ).toEqual([]);
    expect(
      podSecurityProblems(
        withContainer({ ...hardened, capabilities: { drop: ["ALL"], add: ["CHOWN"] } }),
        "restricted",
      ),
    ).toEqual(['capabilities: container "app" adds CHOWN']);
    expect(podSecurityProblems(withContainer({ capabilities: { drop: ["ALL"] } }), "restricted")).toEqual([
      'allowPrivilegeEscalation: container "app" must set it to false',
    ]);
    expect(
      podSecurityProblems({ ...RESTRICTED, volumes: [{ name: "n", nfs: { server: "x", path: "/" } }] }, "restricted"),
    ).toEqual(['restrictedVolumes: volume "n" is nfs']);
    expect(strictestPodSecurityLevel(withContainer({ allowPrivilegeEscalation: false }))).toBe("baseline");
  });
});
