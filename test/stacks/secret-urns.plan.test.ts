/**
 * The URN of every generated secret of a region stack, and of every Secret holding one, as `pulumi up` finds it
 * in the state: a change regenerates it (every TURN secret and API key anew, every SFU and Coturn pod restarted)
 * unless an alias names the URN it had. The lists are the URNs the stacks have had since these secrets were made;
 * never edit one to make a change pass.
 */
import { PlanResult, resourcesOfType } from "../../tools/plan/engine";
import { planWithFormerUrns } from "../support/aliases";
import { runStack } from "../support/plan";
import { fixtureProject, planFixtureRegion, regionFixture } from "../support/rooms";

const PREFIX = "urn:pulumi:mumbai::livekit-platform::livekit-platform";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const STRING = "random:index/randomString:RandomString";
const SECRET = "kubernetes:core/v1:Secret";

/**
 * The Redis AUTH token and Grafana's admin password, made by Credentials since they moved there from Redis and
 * Monitoring: where each is now, and the URN it had (its alias's), which is the one `pulumi up` finds.
 */
const MOVED_PASSWORDS = {
  [`${PREFIX}:credentials:Credentials$${PASSWORD}::mumbai-redis-auth`]: `${PREFIX}:redis:Redis$${PASSWORD}::mumbai-redis-auth`,
  [`${PREFIX}:credentials:Credentials$${PASSWORD}::mumbai-monitoring-grafana-admin`]: `${PREFIX}:monitoring:Monitoring$${PASSWORD}::mumbai-monitoring-grafana-admin`,
};

/** What every mumbai stack has, whatever its mode. */
const EVERY_STACK = [
  ...Object.values(MOVED_PASSWORDS),
  `${PREFIX}:redis:Redis$${SECRET}::mumbai-redis-auth`,
  `${PREFIX}:monitoring:Monitoring$${SECRET}::mumbai-monitoring-grafana-admin`,
  `${PREFIX}:livekit:LiveKit$${PASSWORD}::mumbai-livekit-turn-secret`,
  `${PREFIX}:livekit:LiveKit$${SECRET}::mumbai-livekit-turn-secret`,
  `${PREFIX}:livekit:LiveKit$${SECRET}::mumbai-livekit-api-keys`,
  `${PREFIX}:egress:Egress$${SECRET}::mumbai-egress-config`,
  // Made by Credentials from the start (the load test's own namespace): no former URN.
  `${PREFIX}:credentials:Credentials$${SECRET}::mumbai-livekit-load-test-key`,
  // Egress's pair in the recorders' namespace, new with that namespace (its random values keep their URNs).
  `${PREFIX}:credentials:Credentials$${SECRET}::mumbai-livekit-egress-key`,
];

/** Egress's and the load tests' pairs, generated where stack config gives none. */
const GENERATED_KEYS = [
  `${PREFIX}:livekit:LiveKit$${STRING}::mumbai-livekit-egress-key-id`,
  `${PREFIX}:livekit:LiveKit$${PASSWORD}::mumbai-livekit-egress-key-secret`,
  `${PREFIX}:livekit:LiveKit$${STRING}::mumbai-livekit-loadTest-key-id`,
  `${PREFIX}:livekit:LiveKit$${PASSWORD}::mumbai-livekit-loadTest-key-secret`,
];

/** The former URNs of a plan's generated secrets and Secrets, sorted. */
async function secretUrns(run: () => Promise<PlanResult>): Promise<string[]> {
  return (await formerUrns(run)).map(([, former]) => former).sort();
}

/** Each generated secret and Secret of a plan: its URN, and the URN its state is found under. */
async function formerUrns(run: () => Promise<PlanResult>): Promise<[string, string][]> {
  const { plan, formerUrn } = await planWithFormerUrns(run);
  return plan.resources.filter((r) => [PASSWORD, STRING, SECRET].includes(r.type)).map((r) => [r.urn, formerUrn(r)]);
}

describe("the URNs of a region's generated secrets", () => {
  it("are the ones the shipped mumbai stack always had", async () => {
    expect(await secretUrns(() => runStack("mumbai"))).toEqual([...EVERY_STACK, ...GENERATED_KEYS].sort());
  }, 60_000);

  it("keep the Redis AUTH token's and Grafana's admin password's, made by Credentials, through their aliases", async () => {
    const moved = (await formerUrns(() => runStack("mumbai"))).filter(([urn]) => urn in MOVED_PASSWORDS);
    expect(Object.fromEntries(moved)).toEqual(MOVED_PASSWORDS);
  }, 60_000);

  it("give a global rooms member no Redis AUTH token of its own: it takes the hub's", async () => {
    const hubRegion = { stack: "mumbai", awsRegion: "ap-south-1", cidr: "10.20.0.0/16" };
    const memberRegion = { stack: "singapore", awsRegion: "ap-southeast-1", cidr: "10.30.0.0/16" };
    const rooms = { mode: "global", hub: "mumbai" };
    const files = { mumbai: regionFixture(hubRegion, rooms), singapore: regionFixture(memberRegion, rooms) };
    const root = fixtureProject(files);
    const hub = await planFixtureRegion(root, "mumbai", files.mumbai);
    const member = await planFixtureRegion(root, "singapore", files.singapore, { mumbai: hub });
    const passwords = (plan: PlanResult) => resourcesOfType(plan, PASSWORD).map((r) => r.urn.split("::").pop());
    expect(passwords(hub).sort()).toEqual([
      "mumbai-livekit-turn-secret",
      "mumbai-monitoring-grafana-admin",
      "mumbai-redis-auth",
    ]);
    expect(passwords(member).sort()).toEqual(["singapore-livekit-turn-secret", "singapore-monitoring-grafana-admin"]);
  }, 120_000);

  it("are the same in global rooms mode, where egress's and the load tests' pairs come from config, during a TURN rotation", async () => {
    const config = {
      ...regionFixture(
        { stack: "mumbai", awsRegion: "ap-south-1", cidr: "10.20.0.0/16" },
        { mode: "global", hub: "mumbai" },
      ),
      "livekit-platform:turn": { sharedSecret: { current: "2", alsoAccepted: ["1"] } },
    };
    const root = fixtureProject({ mumbai: config });
    expect(await secretUrns(() => planFixtureRegion(root, "mumbai", config))).toEqual(
      [...EVERY_STACK, `${PREFIX}:livekit:LiveKit$${PASSWORD}::mumbai-livekit-turn-secret-2`].sort(),
    );
  }, 60_000);
});
