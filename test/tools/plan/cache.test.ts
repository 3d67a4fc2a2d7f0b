import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cacheOutputs, readCachedOutputs } from "../../../tools/plan/cache";

describe("the cache of planned stacks' outputs", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lk-cache-"));
  const stackFile = path.join(root, "Pulumi.mumbai.yaml");
  const outputs = { outputs: { signallingHostname: "mumbai.example.com" }, secretOutputNames: [] };
  beforeEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(path.join(root, "lib"), { recursive: true });
    fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: p\n");
    fs.writeFileSync(path.join(root, "lib", "a.ts"), "export const a = 1;\n");
    fs.writeFileSync(stackFile, "config: {}\n");
  });

  it("answers for the same stack file and program", () => {
    cacheOutputs(root, "mumbai", stackFile, outputs);
    expect(readCachedOutputs(root, "mumbai", stackFile)).toEqual(outputs);
  });

  it("forgets a stack whose stack file changed", () => {
    cacheOutputs(root, "mumbai", stackFile, outputs);
    fs.writeFileSync(stackFile, "config: { livekit-platform:regionLabel: bombay }\n");
    expect(readCachedOutputs(root, "mumbai", stackFile)).toBeUndefined();
  });

  it("keeps stacks apart", () => {
    cacheOutputs(root, "mumbai", stackFile, outputs);
    expect(readCachedOutputs(root, "singapore", stackFile)).toBeUndefined();
  });
});
