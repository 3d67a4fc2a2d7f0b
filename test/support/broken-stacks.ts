/** The broken stack files of test/fixtures/broken-stacks/, with the stack and error text each one names. */
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "./stack-config";

export interface BrokenStackFixture {
  file: string;
  path: string;
  /** The stack it is planned as (`# stack:` header; default mumbai). */
  stack: string;
  /** Text the one error line must contain (`# expect:` header). */
  expect: string;
}

const dir = path.join(projectRoot, "test", "fixtures", "broken-stacks");

export function brokenStackFixtures(): BrokenStackFixture[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((file) => {
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      const header = (name: string) => new RegExp(`^# ${name}: (.*)$`, "m").exec(text)?.[1];
      return { file, path: path.join(dir, file), stack: header("stack") ?? "mumbai", expect: header("expect") ?? "" };
    });
}
