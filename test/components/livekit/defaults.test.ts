import { LIVEKIT_MEMORY } from "../../../components/livekit/defaults";
import { checkResources } from "../../../components/shared/pods";
import { CAPACITY_DEFAULTS } from "../../../lib/capacity/input";
import { sfuPodsFitProblem } from "../../../stacks/sizing";

describe("a LiveKit pod's memory", () => {
  it("is a request at or below its limit, as the API server requires", () => {
    const resources = {
      cpuRequestMillis: 1,
      memoryRequestMiB: LIVEKIT_MEMORY.requestMiB,
      memoryLimitMiB: LIVEKIT_MEMORY.limitMiB,
    };
    expect(() => checkResources("livekit resources", resources)).not.toThrow();
  });

  it("leaves room above the request for a burst before the kernel kills the SFU (and every room on it)", () => {
    expect(LIVEKIT_MEMORY.limitMiB).toBeGreaterThan(LIVEKIT_MEMORY.requestMiB);
  });

  it("fits the default SFU node beside Coturn and the DaemonSets", () => {
    expect(sfuPodsFitProblem(CAPACITY_DEFAULTS.nodeType)).toBeUndefined();
  });
});
