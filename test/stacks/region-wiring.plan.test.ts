/**
 * The wiring of each shipped region stack as the real program builds it (index.ts under the mocks), where
 * a component's own test cannot see it: what one component hands another.
 *
 * - The signalling certificate covers every name the ALB serves, the global latency name `<domain>`
 *   included (the global stack points `<domain>` at this ALB; without it that name serves a certificate
 *   error), and ACM is asked to validate each of them.
 * - Each PodMonitor selects the real workload's pods and scrapes a port those containers declare, and that
 *   port is the one the workload's own rendered config (mounted from its ConfigMap or Secret) serves
 *   metrics on: LiveKit's `prometheus.port`, Egress' `prometheus_port`, Coturn's `prometheus-port`.
 */
import { parse } from "yaml";
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import { listStackNames, readStackFile, stackFilePath } from "../../stacks/stack-files";
import { inputsOf, PlannedResource, PlanResult, resourcesOfType } from "../../tools/plan/engine";
import { projectRoot, shippedStackPlan, stackConfig } from "../support/plan";

const regionStacks = listStackNames(projectRoot).filter(
  (s) => readStackFile(stackFilePath(projectRoot, s), s).config["livekit-platform:role"] === "region",
);

const TYPES = {
  certificate: "aws:acm/certificate:Certificate",
  validation: "aws:acm/certificateValidation:CertificateValidation",
  record: "aws:route53/record:Record",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  podMonitor: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
};
const WORKLOADS = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:DaemonSet", "kubernetes:apps/v1:StatefulSet"];

const objects = (plan: PlanResult, type: string): any[] => resourcesOfType(plan, type).map((r) => inputsOf(r));
const inNamespace = (o: any, namespace: string) => o.metadata?.namespace === namespace;
const matches = (labels: Record<string, string> = {}, selector: Record<string, string>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The files a pod mounts from ConfigMaps and Secrets: "<kind>/<name>/<key>" -> content. */
function mountedFiles(plan: PlanResult, namespace: string, podSpec: any): Map<string, string> {
  const files = new Map<string, string>();
  const add = (kind: string, type: string, name: string, items?: { key: string }[]) => {
    const source = objects(plan, type).find((o) => o.metadata.name === name && inNamespace(o, namespace));
    if (!source) throw new Error(`pod mounts ${kind} ${namespace}/${name}, which the stack does not create`);
    const data: Record<string, string> = { ...(source.stringData ?? {}) };
    for (const [k, v] of Object.entries<string>(source.data ?? {}))
      data[k] = kind === "Secret" ? Buffer.from(v, "base64").toString("utf8") : v;
    const keys = items ? items.map((i) => i.key) : Object.keys(data);
    for (const key of keys) files.set(`${kind}/${name}/${key}`, data[key]);
  };
  for (const volume of podSpec.volumes ?? []) {
    if (volume.configMap) add("ConfigMap", TYPES.configMap, volume.configMap.name, volume.configMap.items);
    if (volume.secret) add("Secret", TYPES.secret, volume.secret.secretName, volume.secret.items);
  }
  return files;
}

/** Ports a config file says metrics are served on, with what said so. */
function metricsPortsIn(file: string, content: string): { port: number; where: string }[] {
  const found: { port: number; where: string }[] = [];
  for (const m of content.matchAll(/^\s*(?:--)?prometheus-port\s*=\s*(\d+)\s*$/gm))
    found.push({ port: Number(m[1]), where: `${file}: prometheus-port` }); // coturn's turnserver.conf
  if (/\.ya?ml$/.test(file)) {
    const doc = parse(content) ?? {};
    if (doc.prometheus?.port !== undefined)
      found.push({ port: Number(doc.prometheus.port), where: `${file}: prometheus.port` }); // livekit-server
    if (doc.prometheus_port !== undefined)
      found.push({ port: Number(doc.prometheus_port), where: `${file}: prometheus_port` }); // egress
  }
  return found;
}

describe.each(regionStacks)("region stack %s", (stack) => {
  let plan: PlanResult;
  let cfg: RegionSettings;
  beforeAll(async () => {
    plan = await shippedStackPlan(stack);
    cfg = parseStackConfig(stackConfig(stack), stack) as RegionSettings;
  });

  describe("signalling certificate", () => {
    const albCertificate = (): { certificate: PlannedResource; names: string[] } => {
      const [ingress] = objects(plan, TYPES.ingress).filter((i) => i.spec?.ingressClassName === "alb");
      const arn = ingress.metadata.annotations["alb.ingress.kubernetes.io/certificate-arn"];
      const validation = resourcesOfType(plan, TYPES.validation).find((v) => inputsOf(v).certificateArn === arn)!;
      const certificate = resourcesOfType(plan, TYPES.certificate).find((c) =>
        validation.dependencies.includes(c.urn),
      )!;
      const inputs = inputsOf(certificate);
      return { certificate, names: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])] };
    };

    it("covers the regional name and the global name <domain>, and every host the ALB routes", () => {
      const { names } = albCertificate();
      expect(names).toEqual(expect.arrayContaining([`${cfg.regionLabel}.${cfg.domain}`, cfg.domain]));
      const hosts = objects(plan, TYPES.ingress).flatMap((i) => (i.spec.rules ?? []).map((r: any) => r.host));
      expect(hosts).toEqual(expect.arrayContaining([`${cfg.regionLabel}.${cfg.domain}`, cfg.domain]));
      expect(hosts.filter((h) => !names.includes(h))).toEqual([]);
    });

    it("is validated through a DNS record for each name it covers, before the ALB uses it", () => {
      const { certificate, names } = albCertificate();
      // The global name's record is shared by every region: only its owner (mumbai) creates it, the others
      // wait for it (ACM validates from the one record).
      const created = cfg.dns.ownsGlobalNameValidation ? names : names.filter((n) => n !== cfg.domain);
      const validation = resourcesOfType(plan, TYPES.validation).find((v) => v.dependencies.includes(certificate.urn))!;
      const records = resourcesOfType(plan, TYPES.record).filter((r) => validation.dependencies.includes(r.urn));
      const validated = records.map((r) =>
        String(inputsOf(r).name)
          .replace(/^_[0-9a-f]+\./, "")
          .replace(/\.$/, ""),
      );
      expect(validated.sort()).toEqual([...created].sort());
      expect(inputsOf(validation).validationRecordFqdns).toHaveLength(names.length);
    });
  });

  describe("PodMonitors", () => {
    const expected: Record<string, { workload: string; config: RegExp }> = {
      livekit: { workload: "livekit-server", config: /prometheus\.port$/ },
      egress: { workload: "livekit-egress", config: /prometheus_port$/ },
      coturn: { workload: "coturn", config: /prometheus-port$/ },
    };

    it("exist for LiveKit, Egress and Coturn", () => {
      expect(
        objects(plan, TYPES.podMonitor)
          .map((m) => m.metadata.name)
          .sort(),
      ).toEqual(Object.keys(expected).sort());
    });

    it.each(Object.keys(expected))(
      "%s: selects the real workload's pods and scrapes the port its rendered config serves metrics on",
      (name) => {
        const monitor = objects(plan, TYPES.podMonitor).find((m) => m.metadata.name === name)!;
        const namespaces: string[] = monitor.spec.namespaceSelector.matchNames;
        const selector: Record<string, string> = monitor.spec.selector.matchLabels;
        expect(monitor.spec.selector.matchExpressions ?? []).toEqual([]);

        // The pods it selects: exactly the intended workload's.
        const selected = WORKLOADS.flatMap((type) => objects(plan, type)).filter(
          (w) => namespaces.includes(w.metadata.namespace) && matches(w.spec.template.metadata.labels, selector),
        );
        expect(selected.map((w) => w.metadata.name)).toEqual([expected[name].workload]);
        const [workload] = selected;
        // ...and the workload's own selector agrees with the pods' labels it stamps.
        expect(matches(workload.spec.template.metadata.labels, workload.spec.selector.matchLabels)).toBe(true);

        const podSpec = workload.spec.template.spec;
        const declared = podSpec.containers.flatMap((c: any) => c.ports ?? []);
        const files = mountedFiles(plan, workload.metadata.namespace, podSpec);
        const served = [...files].flatMap(([file, content]) => metricsPortsIn(file, content));
        expect(served.map((s) => s.where)).toEqual([expect.stringMatching(expected[name].config)]);

        expect(monitor.spec.podMetricsEndpoints.length).toBeGreaterThan(0);
        for (const endpoint of monitor.spec.podMetricsEndpoints) {
          expect(endpoint.path ?? "/metrics").toBe("/metrics");
          // The endpoint names a port a container declares (a number would bypass the declaration).
          expect(typeof endpoint.port).toBe("string");
          const port = declared.filter((p: any) => p.name === endpoint.port);
          expect({ endpoint: endpoint.port, declared: port.length }).toEqual({ endpoint: endpoint.port, declared: 1 });
          expect({
            endpoint: endpoint.port,
            containerPort: port[0].containerPort,
            protocol: port[0].protocol ?? "TCP",
          }).toEqual({
            endpoint: endpoint.port,
            containerPort: served[0].port,
            protocol: "TCP",
          });
          // Metrics behind basic auth (LiveKit's prometheus.username) need credentials in the endpoint.
          const auth = [...files.values()].some((c) => /^\s*username:/m.test(c) && /^prometheus:/m.test(c));
          if (auth) expect(endpoint.basicAuth).toBeDefined();
        }
      },
    );
  });
});
