import { COTURN_CPU_MILLIS, COTURN_RESOURCES } from "../../../components/coturn/defaults";
import { checkResources } from "../../../components/shared/pods";
import { TURN_POD_CPU } from "../../../lib/capacity/rules";

describe("a Coturn pod's resources", () => {
  it("request the CPU the capacity model keeps for Coturn on each SFU node, so LiveKit's request still fits", () => {
    expect(COTURN_CPU_MILLIS).toBe(TURN_POD_CPU * 1000);
    expect(COTURN_RESOURCES.cpuRequestMillis).toBe(COTURN_CPU_MILLIS);
  });

  it("are whole positive numbers with the memory limit above the request", () => {
    expect(() => checkResources("coturn resources", COTURN_RESOURCES)).not.toThrow();
    expect(COTURN_RESOURCES.memoryLimitMiB).toBeGreaterThan(COTURN_RESOURCES.memoryRequestMiB);
  });
});
