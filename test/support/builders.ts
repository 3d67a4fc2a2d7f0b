/**
 * Reading what the components' pure builders return (components/<capability>/pod.ts). A builder types its result
 * with @pulumi/kubernetes input types, whose every field may be an Output; a test passes plain values, so the
 * result is plain JSON, which `plain` checks before handing it over.
 */

/** The builder's result as plain JSON; fails if anything in it is still an Output or a Promise. */
export function plain(value: unknown): Record<string, any> {
  const check = (v: unknown, path: string): void => {
    if (v === null || typeof v !== "object") return;
    if ((v as any).__pulumiOutput === true || typeof (v as any).then === "function") {
      throw new Error(`${path} is not a plain value`);
    }
    for (const [key, inner] of Object.entries(v)) check(inner, `${path}.${key}`);
  };
  check(value, "result");
  return value as Record<string, any>;
}

/** A volume of a pod spec by name. */
export function volume(podSpec: Record<string, any>, name: string): Record<string, any> {
  const found = (podSpec.volumes as Record<string, any>[]).find((v) => v.name === name);
  if (!found) throw new Error(`no volume ${name}`);
  return found;
}

/** A container of a pod spec by name. */
export function container(podSpec: Record<string, any>, name: string): Record<string, any> {
  const found = (podSpec.containers as Record<string, any>[]).find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

/**
 * What a media pod on the SFU nodes' host network holds: the node's network, cluster DNS all the same, and the
 * sfu role's label and taint. For `expect(spec).toMatchObject(...)`.
 */
export const ON_SFU_HOST_NETWORK = {
  hostNetwork: true,
  dnsPolicy: "ClusterFirstWithHostNet",
  nodeSelector: { "livekit-platform/node-role": "sfu" },
  tolerations: expect.arrayContaining([
    { key: "livekit-platform/sfu", operator: "Equal", value: "true", effect: "NoSchedule" },
  ]),
};
