import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { DnsZoneArgs, Endpoints } from "../../../components/endpoints";
import { inputsOf, PlannedResource, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import { mockResource } from "../../../tools/plan/mock-cloud";
import { K8S_TYPES, k8sProvider, kubernetesObjectProblems, NAMESPACE, object } from "../../support/media-plane";
import {
  ALB_ATTRIBUTES_ANNOTATION,
  controllerStringMap,
  NLB_ATTRIBUTES_ANNOTATION,
} from "../../../policy/lb-attributes";
import { runComponents } from "../../support/plan";

const SIGNALLING = "mumbai.example.com";
const TURN = "turn-mumbai.example.com";
const COTURN_LABELS = { "app.kubernetes.io/name": "coturn", "app.kubernetes.io/component": "turn" };

const TYPES = {
  certificate: "aws:acm/certificate:Certificate",
  validation: "aws:acm/certificateValidation:CertificateValidation",
  route53: "aws:route53/record:Record",
  cloudflare: "cloudflare:index/dnsRecord:DnsRecord",
};

interface Exported {
  albHostname?: string;
  albZoneId?: string;
  nlbHostname?: string;
  nlbZoneId?: string;
}

async function plan(dns: DnsZoneArgs, deletionProtection = true): Promise<{ result: PlanResult; exported: Exported }> {
  const exported: Exported = {};
  const result = await runComponents(() => {
    const provider = k8sProvider();
    const logs = new aws.s3.Bucket("audit-logs", {});
    const controller = new k8s.helm.v3.Release(
      "aws-load-balancer-controller",
      { chart: "aws-load-balancer-controller", version: "3.5.0" },
      { provider },
    );
    const endpoints = new Endpoints(
      "mumbai",
      {
        signallingHostname: SIGNALLING,
        turnHostname: TURN,
        dns,
        livekit: { namespace: NAMESPACE, serviceName: "livekit-server", servicePort: 7880 },
        coturn: { namespace: NAMESPACE, podLabels: COTURN_LABELS, listeningPort: 3478 },
        tags: { project: "livekit" },
        accessLogs: {
          signalling: { bucket: logs.bucket, prefix: "alb/signalling" },
          turn: { bucket: logs.bucket, prefix: "nlb/turn" },
        },
        deletionProtection,
      },
      { providers: [provider], dependsOn: [controller] },
    );
    endpoints.albHostname.apply((v) => (exported.albHostname = v));
    endpoints.albZoneId.apply((v) => (exported.albZoneId = v));
    endpoints.nlbHostname.apply((v) => (exported.nlbHostname = v));
    endpoints.nlbZoneId.apply((v) => (exported.nlbZoneId = v));
  });
  return { result, exported };
}

const certificateFor = (result: PlanResult, hostname: string) =>
  resourcesOfType(result, TYPES.certificate).find((r) => inputsOf(r).domainName === hostname)!;
const validationOf = (result: PlanResult, certificate: PlannedResource) =>
  resourcesOfType(result, TYPES.validation).find((r) => r.dependencies.includes(certificate.urn))!;
/** What ACM (the pretend cloud) answers for this certificate: the record it asks for. */
const askedRecord = (certificate: PlannedResource, hostname: string) => {
  const { state } = mockResource(
    {
      type: certificate.type,
      name: certificate.name,
      inputs: inputsOf(certificate),
      id: "",
      provider: "",
      custom: true,
    },
    { awsRegion: "ap-south-1" },
  );
  return (state.domainValidationOptions as Record<string, string>[]).find((o) => o.domainName === hostname)!;
};
const ingressOf = (result: PlanResult) => object(result, K8S_TYPES.ingress, "livekit-signalling");
const nlbOf = (result: PlanResult) => object(result, K8S_TYPES.service, "coturn-nlb");

describe("Endpoints with Route53", () => {
  let result: PlanResult;
  let exported: Exported;
  beforeAll(async () => {
    ({ result, exported } = await plan({ provider: "route53", zoneId: "Z0123456789ABCDEFGHIJ" }));
  });

  it("sends only objects the Kubernetes API accepts, with no misspelt field", () => {
    expect(kubernetesObjectProblems(result)).toEqual([]);
  });

  it("issues an ACM certificate for each hostname, validated through DNS", () => {
    for (const hostname of [SIGNALLING, TURN]) {
      const certificate = certificateFor(result, hostname);
      expect(inputsOf(certificate)).toMatchObject({ domainName: hostname, validationMethod: "DNS" });
      expect(inputsOf(certificate)).not.toHaveProperty("subjectAlternativeNames");
      expect(validationOf(result, certificate)).toBeDefined();
    }
    expect(resourcesOfType(result, TYPES.certificate)).toHaveLength(2);
  });

  it("validates each certificate with the record that certificate asks for", () => {
    for (const hostname of [SIGNALLING, TURN]) {
      const certificate = certificateFor(result, hostname);
      const asked = askedRecord(certificate, hostname);
      const record = resourcesOfType(result, TYPES.route53).find((r) => inputsOf(r).name === asked.resourceRecordName)!;
      expect(record.dependencies).toContain(certificate.urn);
      expect(inputsOf(record)).toMatchObject({
        zoneId: "Z0123456789ABCDEFGHIJ",
        type: asked.resourceRecordType,
        records: [asked.resourceRecordValue],
        allowOverwrite: true,
      });
      const validation = validationOf(result, certificate);
      expect(validation.dependencies).toContain(record.urn);
      expect(inputsOf(validation).validationRecordFqdns).toHaveLength(1);
    }
  });

  it("terminates signalling TLS on an internet-facing ALB with the validated certificate", () => {
    const { annotations } = ingressOf(result).metadata;
    const validation = validationOf(result, certificateFor(result, SIGNALLING));
    expect(annotations).toMatchObject({
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      "alb.ingress.kubernetes.io/target-type": "ip",
      "alb.ingress.kubernetes.io/certificate-arn": inputsOf(validation).certificateArn,
      "alb.ingress.kubernetes.io/ssl-policy": expect.stringMatching(/^ELBSecurityPolicy-TLS13-/),
      "alb.ingress.kubernetes.io/ssl-redirect": "443",
    });
    expect(JSON.parse(annotations["alb.ingress.kubernetes.io/listen-ports"])).toContainEqual({ HTTPS: 443 });
    // The certificate ARN comes from the validation, so the ALB is created only with an issued certificate.
    const ingress = resourcesOfType(result, K8S_TYPES.ingress)[0];
    expect(ingress.dependencies).toContain(validation.urn);
  });

  it("keeps idle WebSockets for at least an hour and health-checks LiveKit on /", () => {
    const { annotations } = ingressOf(result).metadata;
    const attributes = controllerStringMap(annotations["alb.ingress.kubernetes.io/load-balancer-attributes"]);
    expect(Number(attributes["idle_timeout.timeout_seconds"])).toBeGreaterThanOrEqual(3600);
    expect(annotations["alb.ingress.kubernetes.io/healthcheck-path"]).toBe("/");
    expect(annotations["alb.ingress.kubernetes.io/success-codes"]).toBe("200");
  });

  it("logs both load balancers' access to the log bucket and protects them from deletion, keeping their other attributes", () => {
    const logBucket = resourcesOfType(result, "aws:s3/bucket:Bucket")[0];
    const bucketName = mockResource(
      { type: logBucket.type, name: logBucket.name, inputs: {}, id: "", provider: "", custom: true },
      { awsRegion: "ap-south-1" },
    ).state.bucket;
    const alb = controllerStringMap(ingressOf(result).metadata.annotations[ALB_ATTRIBUTES_ANNOTATION]);
    expect(alb).toEqual({
      "idle_timeout.timeout_seconds": "3600",
      "routing.http.drop_invalid_header_fields.enabled": "true",
      "deletion_protection.enabled": "true",
      "access_logs.s3.enabled": "true",
      "access_logs.s3.bucket": bucketName,
      "access_logs.s3.prefix": "alb/signalling",
    });
    const nlb = controllerStringMap(nlbOf(result).metadata.annotations[NLB_ATTRIBUTES_ANNOTATION]);
    expect(nlb).toEqual({
      "load_balancing.cross_zone.enabled": "true",
      "deletion_protection.enabled": "true",
      "access_logs.s3.enabled": "true",
      "access_logs.s3.bucket": bucketName,
      "access_logs.s3.prefix": "nlb/turn",
    });
    // The controller enables logging only once the bucket exists (ELB checks it can write there).
    for (const type of [K8S_TYPES.ingress, K8S_TYPES.service]) {
      expect(resourcesOfType(result, type)[0].dependencies).toContain(logBucket.urn);
    }
  });

  it("routes https://<region>.<domain> to the LiveKit Service on 7880", () => {
    const ingress = ingressOf(result);
    expect(ingress.metadata.namespace).toBe(NAMESPACE);
    expect(ingress.spec).toEqual({
      ingressClassName: "alb",
      rules: [
        {
          host: SIGNALLING,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: "livekit-server", port: { number: 7880 } } },
              },
            ],
          },
        },
      ],
    });
  });

  it("terminates TURN/TLS on 443 and forwards TURN/UDP 3478, both to Coturn's 3478", () => {
    const service = nlbOf(result);
    const validation = validationOf(result, certificateFor(result, TURN));
    expect(service.spec).toMatchObject({
      type: "LoadBalancer",
      loadBalancerClass: "service.k8s.aws/nlb",
      selector: COTURN_LABELS,
    });
    expect(service.spec.ports).toEqual([
      { name: "turn-tls", port: 443, targetPort: 3478, protocol: "TCP" },
      { name: "turn-udp", port: 3478, targetPort: 3478, protocol: "UDP" },
    ]);
    expect(service.metadata.annotations).toMatchObject({
      "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
      "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": inputsOf(validation).certificateArn,
      "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
      "service.beta.kubernetes.io/aws-load-balancer-backend-protocol": "tcp",
    });
    expect(service.metadata.namespace).toBe(NAMESPACE);
  });

  it("publishes both names as aliases of their load balancers and exports what the global stack needs", () => {
    const alias = (hostname: string) =>
      inputsOf(resourcesOfType(result, TYPES.route53).find((r) => inputsOf(r).name === hostname)!);
    expect(alias(SIGNALLING)).toMatchObject({
      type: "A",
      aliases: [{ name: exported.albHostname, zoneId: exported.albZoneId, evaluateTargetHealth: true }],
    });
    expect(alias(TURN)).toMatchObject({
      type: "A",
      aliases: [{ name: exported.nlbHostname, zoneId: exported.nlbZoneId, evaluateTargetHealth: true }],
    });
    // ALB and NLB have different canonical zones; the hostnames come from the objects' status.
    expect(exported.albZoneId).not.toBe(exported.nlbZoneId);
    expect(exported.albHostname).not.toBe(exported.nlbHostname);
    expect(resourcesOfType(result, TYPES.cloudflare)).toHaveLength(0);
  });

  it("creates the Ingress and the TURN Service only once the load balancer controller is installed", () => {
    const controller = resourcesOfType(result, "kubernetes:helm.sh/v3:Release")[0];
    for (const type of [K8S_TYPES.ingress, K8S_TYPES.service]) {
      const [resource] = resourcesOfType(result, type);
      expect(resource.dependencies).toContain(controller.urn);
      expect(resource.provider).toMatch(/pulumi:providers:kubernetes::region-cluster::/);
      expect(resource.parent).toMatch(/livekit-platform:endpoints:Endpoints::mumbai$/);
    }
  });
});

describe("Endpoints without deletion protection (the up before a teardown)", () => {
  it("says deletion_protection.enabled=false on both load balancers: the controller changes only what is named", async () => {
    const { result } = await plan({ provider: "route53", zoneId: "Z0123456789ABCDEFGHIJ" }, false);
    for (const attributes of [
      ingressOf(result).metadata.annotations[ALB_ATTRIBUTES_ANNOTATION],
      nlbOf(result).metadata.annotations[NLB_ATTRIBUTES_ANNOTATION],
    ]) {
      expect(controllerStringMap(attributes)).toMatchObject({
        "deletion_protection.enabled": "false",
        "access_logs.s3.enabled": "true",
      });
    }
  });
});

describe("Endpoints with Cloudflare", () => {
  let result: PlanResult;
  let exported: Exported;
  beforeAll(async () => {
    ({ result, exported } = await plan({ provider: "cloudflare", zoneId: "0123456789abcdef0123456789abcdef" }));
  });

  it("never proxies a record: TURN cannot pass Cloudflare's proxy, and signalling must reach the ALB", () => {
    const records = resourcesOfType(result, TYPES.cloudflare).map((r) => inputsOf(r));
    expect(records).toHaveLength(4); // two names, two validation records
    for (const record of records) expect(record.proxied).toBe(false);
    expect(records.find((r) => r.name === TURN)).toMatchObject({
      type: "CNAME",
      content: exported.nlbHostname,
      proxied: false,
    });
    expect(records.find((r) => r.name === SIGNALLING)).toMatchObject({
      type: "CNAME",
      content: exported.albHostname,
      proxied: false,
    });
    expect(resourcesOfType(result, TYPES.route53)).toHaveLength(0);
  });

  it("validates certificates with the records they ask for, written as Cloudflare stores names", () => {
    for (const hostname of [SIGNALLING, TURN]) {
      const certificate = certificateFor(result, hostname);
      const asked = askedRecord(certificate, hostname);
      const record = resourcesOfType(result, TYPES.cloudflare).find((r) => r.dependencies.includes(certificate.urn))!;
      expect(inputsOf(record)).toMatchObject({
        zoneId: "0123456789abcdef0123456789abcdef",
        name: asked.resourceRecordName.replace(/\.$/, ""),
        type: asked.resourceRecordType,
        content: asked.resourceRecordValue.replace(/\.$/, ""),
        proxied: false,
      });
      expect(inputsOf(record).name).not.toMatch(/\.$/);
      expect(validationOf(result, certificate).dependencies).toContain(record.urn);
    }
  });
});
