/**
 * A config error line names the key as the user writes it in the stack file: `livekit-platform:<section>.<field>`,
 * list items by index, and the few keys outside the project's namespace by their own names.
 */
import { configKey, PROJECT } from "../../stacks/config-key";

describe("configKey", () => {
  it("writes a schema path as the stack file's key", () => {
    expect(configKey(["cluster", "sfuNodes", "min"])).toBe(`${PROJECT}:cluster.sfuNodes.min`);
    expect(configKey(["alerting", "emailSubscriptions", 1])).toBe("livekit-platform:alerting.emailSubscriptions[1]");
    expect(configKey(["domain"])).toBe("livekit-platform:domain");
  });

  it("names a key of another namespace as Pulumi does (the AWS region), and the whole config when no key is named", () => {
    expect(configKey(["awsRegion"])).toBe("aws:region");
    expect(configKey([])).toBe("livekit-platform:<config>");
  });
});
