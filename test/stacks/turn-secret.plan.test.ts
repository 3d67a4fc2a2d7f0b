/**
 * The TURN shared secret's generations through a whole region stack: the stack file's
 * `turn.sharedSecret` reaches LiveKit and Coturn, the initial generation keeps the URN the single secret
 * always had (upgrading replaces nothing), and the rotation's overlap passes every policy.
 */
import { policies } from "../../policy/policies";
import { TURN_SECRET_GENERATION_ANNOTATION, TURN_SECRET_GENERATIONS_ANNOTATION } from "../../components/shared/turn";
import { PlannedResource, PlanResult, resourcesOfType } from "../../tools/plan/engine";
import { planWithFormerUrns } from "../support/aliases";
import { K8S_TYPES, object } from "../support/media-plane";
import { volume } from "../support/builders";
import { runStack } from "../support/plan";
import { mandatory, resourcesOfPlan, violations } from "../support/policy";

const PASSWORD = "random:index/randomPassword:RandomPassword";
const LIVEKIT = "urn:pulumi:mumbai::livekit-platform::livekit-platform:livekit:LiveKit";
/** The URNs every mumbai stack has had for its TURN secret; a change would replace it on `pulumi up`. */
const INITIAL_PASSWORD_URN = `${LIVEKIT}$${PASSWORD}::mumbai-livekit-turn-secret`;
const SECRET_URN = `${LIVEKIT}$${K8S_TYPES.secret}::mumbai-livekit-turn-secret`;

/** The URN `pulumi up` finds a resource under (its alias's, since the credentials have a component of their own). */
type FormerUrn = (resource: PlannedResource) => string;
const turnPasswordUrns = (r: PlanResult, formerUrn: FormerUrn) =>
  resourcesOfType(r, PASSWORD)
    .map(formerUrn)
    .filter((urn) => urn.includes("turn-secret"));
const turnSecret = (r: PlanResult) => object(r, K8S_TYPES.secret, "livekit-turn-secret").stringData;
const annotationsOf = (r: PlanResult, type: string, name: string) =>
  object(r, type, name).spec.template.metadata.annotations as Record<string, string>;

describe("the TURN shared secret in a region stack", () => {
  let steady: PlanResult;
  let promoted: PlanResult;
  let steadyUrn: FormerUrn;
  let promotedUrn: FormerUrn;
  beforeAll(async () => {
    ({ plan: steady, formerUrn: steadyUrn } = await planWithFormerUrns(() => runStack("mumbai")));
    // Rotation step 2: generation 2 current, the initial one still accepted.
    ({ plan: promoted, formerUrn: promotedUrn } = await planWithFormerUrns(() =>
      runStack("mumbai", { "livekit-platform:turn": { sharedSecret: { current: "2", alsoAccepted: ["1"] } } }),
    ));
  }, 120_000);

  it("keeps the URNs the single secret always had when the stack file names no generation", () => {
    expect(turnPasswordUrns(steady, steadyUrn)).toEqual([INITIAL_PASSWORD_URN]);
    expect(steady.resources.map(steadyUrn)).toContain(SECRET_URN);
    expect(Object.keys(turnSecret(steady))).toEqual(["static-auth-secret"]);
    expect(annotationsOf(steady, K8S_TYPES.deployment, "livekit-server")).not.toHaveProperty([
      TURN_SECRET_GENERATION_ANNOTATION,
    ]);
    expect(annotationsOf(steady, K8S_TYPES.daemonSet, "coturn")).not.toHaveProperty([
      TURN_SECRET_GENERATIONS_ANNOTATION,
    ]);
  });

  it("keeps the initial generation's URN during a rotation and adds the new one beside it", () => {
    expect(turnPasswordUrns(promoted, promotedUrn).sort()).toEqual([INITIAL_PASSWORD_URN, `${INITIAL_PASSWORD_URN}-2`]);
    expect(promoted.resources.map(promotedUrn)).toContain(SECRET_URN);
  });

  it("hands Coturn both secrets, the current one first, and LiveKit the current one only", () => {
    const data = turnSecret(promoted);
    const [current, old, end] = data["static-auth-secrets"].split("\n");
    expect({ current: data["static-auth-secret"], old, end }).toEqual({
      current,
      old: turnSecret(steady)["static-auth-secret"],
      end: "",
    });
    const livekitPod = object(promoted, K8S_TYPES.deployment, "livekit-server").spec.template.spec;
    const coturnPod = object(promoted, K8S_TYPES.daemonSet, "coturn").spec.template.spec;
    expect(volume(livekitPod, "turn-secret").secret.items).toEqual([{ key: "static-auth-secret", path: "secret" }]);
    expect(volume(coturnPod, "shared-secret").secret.items).toEqual([
      { key: "static-auth-secrets", path: "static-auth-secrets" },
    ]);
    expect(annotationsOf(promoted, K8S_TYPES.deployment, "livekit-server")[TURN_SECRET_GENERATION_ANNOTATION]).toBe(
      "2",
    );
    expect(annotationsOf(promoted, K8S_TYPES.daemonSet, "coturn")[TURN_SECRET_GENERATIONS_ANNOTATION]).toBe("1,2");
  });

  it("passes every policy during the rotation", async () => {
    expect(await violations(mandatory(policies), resourcesOfPlan(promoted))).toEqual([]);
  });
});
