import { workloadLabels } from "../../../components/shared/annotations";
import { kubectlLoopSpec, KubectlLoopInput } from "../../../components/shared/kubectl-pod";
import { NODE_ROLE_LABEL } from "../../../components/shared/node-roles";
import { versions } from "../../../lib/versions";
import { podSecurityProblems } from "../../../policy/pod-security";
import type { PodSpec } from "../../../policy/workloads";
import { plain } from "../../support/builders";

const input: KubectlLoopInput = {
  name: "loop",
  ...workloadLabels("a-loop", "test"),
  serviceAccountName: "a-loop",
  script: "while true; do kubectl get pods; sleep 15; done",
  cpuRequest: "20m",
};
const spec = plain(kubectlLoopSpec(input));
const pod = spec.template.spec;
const [container] = pod.containers;

describe("a kubectl loop", () => {
  // That the API accepts it as sent: egress.plan.test.ts, and test/stacks/kubernetes-objects.plan.test.ts for a region.
  it("is one replica of the loop's pod", () => {
    expect(spec.replicas).toBe(1);
    expect(spec.selector.matchLabels).toEqual(input.podLabels);
  });

  it("runs its script with kubectl on the system nodes, non-root with a read-only root", () => {
    expect(pod.nodeSelector).toEqual({ [NODE_ROLE_LABEL]: "system" });
    expect(pod.serviceAccountName).toBe("a-loop");
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(container.image).toBe(versions.images.kubectl);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect([...container.command, ...container.args]).toEqual(["/bin/sh", "-c", input.script]);
    expect(container.resources.requests.cpu).toBe("20m");
  });

  it("keeps kubectl's cache on a scratch volume, the only place it can write", () => {
    const home = container.env.find((e: { name: string }) => e.name === "HOME").value;
    expect(container.volumeMounts).toEqual([{ name: "tmp", mountPath: home }]);
    expect(pod.volumes).toEqual([{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }]);
  });

  it("takes Kubernetes's default grace period unless given one", () => {
    expect(pod).not.toHaveProperty("terminationGracePeriodSeconds");
    expect(plain(kubectlLoopSpec({ ...input, terminationGracePeriodSeconds: 600 })).template.spec).toMatchObject({
      terminationGracePeriodSeconds: 600,
    });
  });
});

describe("a kubectl loop's pod, as the API server and its admission take it", () => {
  it("carries every label its Deployment selects it by", () => {
    // The API server refuses a Deployment whose selector does not match its template's labels.
    expect(spec.template.metadata.labels).toMatchObject(spec.selector.matchLabels);
  });

  it("meets the restricted Pod Security Standard: RuntimeDefault seccomp, no privilege escalation", () => {
    // policy/pod-security.ts: the admission plugin's rules (kubernetes/pod-security-admission v0.35.2).
    expect(podSecurityProblems(pod as PodSpec, "restricted")).toEqual([]);
  });

  it("asks for 64 MiB and is stopped at 128 MiB, so a leaking loop cannot press the system nodes", () => {
    expect(container.resources).toEqual({ requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "128Mi" } });
  });
});
