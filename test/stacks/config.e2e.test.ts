/**
 * The plan command on a config mistake: exit code 2 and nothing but the one line the schema gives
 * (the lines themselves are in config.test.ts), before any resource exists.
 */
import * as fs from "fs";
import { main, report } from "../../tools/commands/plan";
import { planCommandLoading, writeTempStackFile } from "../support/plan";
import { badInputs, stackYaml } from "../support/stack-config";

describe("the plan command on a config mistake", () => {
  it.each(badInputs)(
    "stops the plan command on $what with exit code 2, before any resource exists",
    async ({ stack, change, message }) => {
      const yaml = stackYaml(stack);
      change(yaml);
      const file = writeTempStackFile(stack, yaml);
      let stderr = "";
      const code = await main(["--stack", stack, "--stack-file", file, "--out", `${file}.plan`]).catch((e) =>
        report(e, (t) => (stderr += t)),
      );
      expect({ code, stderr, wrote: fs.existsSync(`${file}.plan`) }).toEqual({
        code: 2,
        stderr: `${message}\n`,
        wrote: false,
      });
    },
  );

  it("exits the plan process with code 2 and nothing but that line on stderr, before loading the engine (a region and the global stack)", async () => {
    const runs = [badInputs[1], badInputs.find((b) => b.stack === "global")!].map(
      async ({ stack, change, message }) => {
        const yaml = stackYaml(stack);
        change(yaml);
        const file = writeTempStackFile(stack, yaml);
        const run = await planCommandLoading(stack, "--stack-file", file, "--out", `${file}.plan`);
        expect({ code: run.code, stderr: run.stderr, engine: run.engine }).toEqual({
          code: 2,
          stderr: `${message}\n`,
          engine: false,
        });
      },
    );
    await Promise.all(runs);
  }, 60_000);
});
