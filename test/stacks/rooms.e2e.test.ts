/**
 * Global rooms mode through `npm run plan`, in a copy of the project whose region files are in global mode:
 * a member's plan plans the hub in a child process for its StackReference and shows the peering, and the
 * global plan refuses an inconsistent set of region files with one line.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { stackFilePath } from "../../stacks/stack-files";
import { planInChildProcess } from "../../tools/plan/runner";
import { copyOfProgram } from "../support/project-copy";
import { projectRoot } from "../support/plan";

/** The program, Pulumi.global.yaml and the two shipped region files with `rooms` set, in a temp folder. */
function projectWithRooms(rooms: Record<string, unknown>): string {
  const dir = copyOfProgram("lk-rooms-project-");
  fs.copyFileSync(stackFilePath(projectRoot, "global"), path.join(dir, "Pulumi.global.yaml"));
  for (const [stack, value] of Object.entries(rooms)) {
    const file = parse(fs.readFileSync(stackFilePath(projectRoot, stack), "utf8")) as {
      config: Record<string, unknown>;
    };
    file.config["livekit-platform:rooms"] = value;
    // Global mode takes egress's and the load tests' keys from config, the same in every region file.
    file.config["livekit-platform:serviceKeys"] = {
      egress: { id: "EGRESSexamplekey1", secret: { secure: "v1:REPLACE-ME-egress-secret" } },
      loadTest: { id: "LOADTESTexamplekey1", secret: { secure: "v1:REPLACE-ME-load-test-secret" } },
    };
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify(file));
  }
  return dir;
}

describe("npm run plan in global rooms mode", () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true }))); // unlinks node_modules only

  it("plans a member with the hub's outputs behind its StackReference: the peering, and no Redis", async () => {
    const hub = { mode: "global", hub: "mumbai" };
    const root = projectWithRooms({ mumbai: hub, singapore: hub });
    roots.push(root);
    const out = path.join(root, ".plan", "singapore");
    const run = await planInChildProcess(root, "singapore", ["--out", out]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    const plan = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    const types = (plan.resources as { type: string }[]).map((r) => r.type);
    expect(types).toContain("aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
    expect(types).toContain("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter");
    expect(types).not.toContain("aws:elasticache/replicationGroup:ReplicationGroup");
    expect(run.stdout).toContain("redisAddress");
  }, 300_000);

  it("refuses two hubs in the global plan with one line (exit 2)", async () => {
    const root = projectWithRooms({
      mumbai: { mode: "global", hub: "mumbai" },
      singapore: { mode: "global", hub: "singapore" },
    });
    roots.push(root);
    const run = await planInChildProcess(root, "global", []);
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 2,
      stderr:
        'error: Pulumi.singapore.yaml livekit-platform:rooms.hub: names another hub than Pulumi.mumbai.yaml (mumbai); one Redis hub for every region, got "singapore"\n',
    });
  }, 120_000);
});
