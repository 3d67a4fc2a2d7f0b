/**
 * The Pod Security Standards, as the admission plugin checks them: which level (privileged, baseline,
 * restricted) a pod spec meets. Each rule names its check in kubernetes/pod-security-admission at tag v0.35.2
 * (policy/check_<id>.go), the library the API server of Kubernetes 1.35 enforces namespaces' labels with; a
 * check keeps the behaviour of its newest version at or below 1.35. Windows pods and pods in a user namespace
 * (`hostUsers: false`), which some checks relax, do not occur in this program and get no relaxation here.
 */
import { allContainers, type PodSpec } from "./workloads";

export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/** The namespace labels the admission plugin reads (pod-security-admission api/constants.go). */
export const POD_SECURITY_LABEL_PREFIX = "pod-security.kubernetes.io/";
export const POD_SECURITY_MODES = ["enforce", "warn", "audit"] as const;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" ? (v as Obj) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Capabilities baseline lets a container add (check_capabilities_baseline.go, capabilities_allowed_1_0). */
const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

/** Sysctls baseline allows (check_sysctls.go, the 1.32 set). */
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem",
]);

/** Volume types restricted allows (check_restrictedVolumes.go, restrictedVolumes_1_0). */
const RESTRICTED_VOLUME_TYPES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);

interface NamedContext {
  name: string;
  sc: Obj | undefined;
  container: Obj;
}

function containersOf(spec: PodSpec): NamedContext[] {
  return allContainers(spec).map(({ container }) => {
    const c = container as unknown as Obj;
    return { name: String(c.name ?? "?"), sc: obj(c.securityContext), container: c };
  });
}

/** What keeps the pod from the baseline level, one line per check that fails. */
function baselineProblems(spec: PodSpec): string[] {
  const problems: string[] = [];
  const pod = obj(spec.securityContext);
  const containers = containersOf(spec);
  // check_hostNamespaces.go
  for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const)
    if (spec[field] === true) problems.push(`hostNamespaces: ${field}=true`);
  // check_privileged.go
  for (const c of containers)
    if (c.sc?.privileged === true) problems.push(`privileged: container "${c.name}" is privileged`);
  // check_capabilities_baseline.go
  for (const c of containers)
    for (const cap of list(obj(c.sc?.capabilities)?.add))
      if (!BASELINE_CAPABILITIES.has(String(cap)))
        problems.push(`capabilities: container "${c.name}" adds ${String(cap)}`);
  // check_hostPathVolumes.go
  for (const volume of list(spec.volumes))
    if (obj(volume)?.hostPath !== undefined)
      problems.push(`hostPathVolumes: volume "${String(obj(volume)?.name)}" is a hostPath`);
  // check_hostPorts.go
  for (const c of containers)
    for (const port of list(c.container.ports)) {
      const hostPort = obj(port)?.hostPort;
      if (hostPort !== undefined && hostPort !== 0)
        problems.push(`hostPorts: container "${c.name}" uses hostPort ${String(hostPort)}`);
    }
  // check_seccompProfile_baseline.go (1.19): Unconfined is forbidden at either level
  for (const [who, sc] of [["pod", pod] as const, ...containers.map((c) => [`container "${c.name}"`, c.sc] as const)])
    if (obj(sc?.seccompProfile)?.type === "Unconfined") problems.push(`seccompProfile: ${who} is Unconfined`);
  // check_appArmorProfile.go: Unconfined is forbidden at either level
  for (const [who, sc] of [["pod", pod] as const, ...containers.map((c) => [`container "${c.name}"`, c.sc] as const)])
    if (obj(sc?.appArmorProfile)?.type === "Unconfined") problems.push(`appArmorProfile: ${who} is Unconfined`);
  // check_procMount_baseline.go
  for (const c of containers) {
    const procMount = c.sc?.procMount;
    if (procMount !== undefined && procMount !== "Default")
      problems.push(`procMount: container "${c.name}" sets ${String(procMount)}`);
  }
  // check_seLinuxOptions.go: no user or role, type only among the container types
  for (const [who, sc] of [["pod", pod] as const, ...containers.map((c) => [`container "${c.name}"`, c.sc] as const)]) {
    const se = obj(sc?.seLinuxOptions);
    if (se === undefined) continue;
    const allowedTypes = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];
    if (se.user || se.role || !allowedTypes.includes(String(se.type ?? "")))
      problems.push(`seLinuxOptions: ${who} sets a forbidden user, role or type`);
  }
  // check_sysctls.go
  for (const sysctl of list(pod?.sysctls)) {
    const name = String(obj(sysctl)?.name);
    if (!SAFE_SYSCTLS.has(name)) problems.push(`sysctls: ${name} is not a safe sysctl`);
  }
  // check_windowsHostProcess.go
  for (const [who, sc] of [["pod", pod] as const, ...containers.map((c) => [`container "${c.name}"`, c.sc] as const)])
    if (obj(sc?.windowsOptions)?.hostProcess === true) problems.push(`windowsHostProcess: ${who} is a host process`);
  // check_hostProbesAndhostLifecycle.go (1.34): probes and lifecycle handlers may not name a host
  for (const c of containers) {
    const handlers = [
      c.container.livenessProbe,
      c.container.readinessProbe,
      c.container.startupProbe,
      obj(c.container.lifecycle)?.postStart,
      obj(c.container.lifecycle)?.preStop,
    ];
    for (const handler of handlers) {
      const h = obj(handler);
      if (obj(h?.httpGet)?.host || obj(h?.tcpSocket)?.host)
        problems.push(`hostProbesAndHostLifecycle: container "${c.name}" names a host`);
    }
  }
  return problems;
}

/** What keeps the pod from the restricted level beyond baseline, one line per check that fails. */
function restrictedProblems(spec: PodSpec): string[] {
  const problems: string[] = [];
  const pod = obj(spec.securityContext);
  const containers = containersOf(spec);
  // check_restrictedVolumes.go
  for (const volume of list(spec.volumes)) {
    const v = obj(volume) ?? {};
    const types = Object.keys(v).filter((key) => key !== "name");
    if (types.some((type) => !RESTRICTED_VOLUME_TYPES.has(type)))
      problems.push(`restrictedVolumes: volume "${String(v.name)}" is ${types.join(", ")}`);
  }
  // check_allowPrivilegeEscalation.go (1.8): every container sets it to false
  for (const c of containers)
    if (c.sc?.allowPrivilegeEscalation !== false)
      problems.push(`allowPrivilegeEscalation: container "${c.name}" must set it to false`);
  // check_runAsNonRoot.go (1.0): true at the pod, or at every container; false nowhere
  const podNonRoot = pod?.runAsNonRoot;
  if (podNonRoot === false) problems.push("runAsNonRoot: the pod sets it to false");
  for (const c of containers) {
    const own = c.sc?.runAsNonRoot;
    if (own === false || (own === undefined && podNonRoot !== true))
      problems.push(`runAsNonRoot: container "${c.name}" must run as non-root`);
  }
  // check_runAsUser.go (1.23): never uid 0
  if (pod?.runAsUser === 0) problems.push("runAsUser: the pod runs as uid 0");
  for (const c of containers)
    if (c.sc?.runAsUser === 0) problems.push(`runAsUser: container "${c.name}" runs as uid 0`);
  // check_seccompProfile_restricted.go (1.19): RuntimeDefault or Localhost, at the pod or at every container
  const allowedSeccomp = (sc: Obj | undefined) =>
    ["RuntimeDefault", "Localhost"].includes(String(obj(sc?.seccompProfile)?.type));
  const podSeccomp = obj(pod?.seccompProfile) !== undefined;
  if (podSeccomp && !allowedSeccomp(pod))
    problems.push("seccompProfile: the pod's type is not RuntimeDefault or Localhost");
  for (const c of containers) {
    const own = obj(c.sc?.seccompProfile) !== undefined;
    if ((own && !allowedSeccomp(c.sc)) || (!own && !podSeccomp))
      problems.push(`seccompProfile: container "${c.name}" must be RuntimeDefault or Localhost`);
  }
  // check_capabilities_restricted.go (1.22): drop ALL, add nothing but NET_BIND_SERVICE
  for (const c of containers) {
    const caps = obj(c.sc?.capabilities);
    if (!list(caps?.drop).includes("ALL")) problems.push(`capabilities: container "${c.name}" must drop ALL`);
    for (const cap of list(caps?.add))
      if (cap !== "NET_BIND_SERVICE") problems.push(`capabilities: container "${c.name}" adds ${String(cap)}`);
  }
  return problems;
}

/** Why `spec` does not meet `level` (empty: it does). Restricted includes baseline, as in the plugin. */
export function podSecurityProblems(spec: PodSpec, level: PodSecurityLevel): string[] {
  if (level === "privileged") return [];
  const baseline = baselineProblems(spec);
  return level === "baseline" ? baseline : [...baseline, ...restrictedProblems(spec)];
}

/** The strictest level `spec` meets. */
export function strictestPodSecurityLevel(spec: PodSpec): PodSecurityLevel {
  if (podSecurityProblems(spec, "restricted").length === 0) return "restricted";
  return podSecurityProblems(spec, "baseline").length === 0 ? "baseline" : "privileged";
}

/** A namespace's enforced level and its version from its labels, or undefined when it enforces none. */
export function enforcedPodSecurity(
  labels: Record<string, unknown> | undefined,
): { level: PodSecurityLevel; version: string | undefined } | undefined {
  const level = labels?.[`${POD_SECURITY_LABEL_PREFIX}enforce`];
  if (typeof level !== "string" || !(POD_SECURITY_LEVELS as readonly string[]).includes(level)) return undefined;
  const version = labels?.[`${POD_SECURITY_LABEL_PREFIX}enforce-version`];
  return { level: level as PodSecurityLevel, version: typeof version === "string" ? version : undefined };
}
