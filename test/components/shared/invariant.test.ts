import { invariant } from "../../../components/shared/invariant";
import { checkResources } from "../../../components/shared/pods";
import { InputError } from "../../../lib/errors";

describe("a component's invariant", () => {
  it("passes when it holds", () => {
    expect(() => invariant(true, "k", "p", 1)).not.toThrow();
  });

  it("is the one bad-input error when it does not: one line, key, problem, value", () => {
    const broken = () => invariant(2 > 3, "coturn relayPorts", "must not overlap the LiveKit SFU ports", { min: 1 });
    expect(broken).toThrow(InputError);
    expect(broken).toThrow(new InputError("coturn relayPorts", "must not overlap the LiveKit SFU ports", { min: 1 }));
    expect(broken).toThrow(/^coturn relayPorts: must not overlap the LiveKit SFU ports, got \{"min":1\}$/);
  });

  it("words the shared pod checks the same way", () => {
    const resources = { cpuRequestMillis: 500, memoryRequestMiB: 512, memoryLimitMiB: 256 };
    expect(() => checkResources("coturn resources", resources)).toThrow(
      new InputError("coturn resources.memoryLimitMiB", "must be at least memoryRequestMiB (512)", 256),
    );
    expect(() => checkResources("coturn resources", { ...resources, cpuRequestMillis: 0 })).toThrow(
      "coturn resources.cpuRequestMillis: must be a positive integer, got 0",
    );
  });
});
