/**
 * Whether a region takes participants, as seen from where the token service runs.
 *
 * LiveKit answers `/` with 200 while its node stats are fresh and 406 once they are more than 4 s old
 * (livekit v1.13.5 pkg/service/server.go:408-421). A node refreshes its stats when its keepalive ping comes
 * back through Redis (pkg/routing/redisrouter.go:202-250), so while Redis fails over (about a minute on
 * ElastiCache) every node of the region answers 406, and 200 again once Redis is back: the rooms live on.
 * One failed probe therefore says little. The probe also runs from the token service's network, not the
 * participants'. So a region is only `down` after every probe has failed for `downAfterMs`, and even then
 * the token service moves a room only when the region confirms the room is gone (token-service.ts).
 */
import { healthUrl } from "./platform-settings";

/**
 * `up`: the latest probe answered 200. `failing`: not up, but not for long enough to count as down (or not
 * probed yet). `down`: every probe for at least `downAfterMs`, and at least as many probes as fit in it, failed.
 */
export type RegionStatus = "up" | "failing" | "down";

export interface RegionHealth {
  status(region: string): Promise<RegionStatus>;
}

export interface HttpRegionHealthOptions {
  /** Time between probe rounds. Default 5 s. */
  intervalMs?: number;
  /** A probe that takes longer failed. Default 2 s. */
  timeoutMs?: number;
  /**
   * How long every probe must have failed before the region counts as down. Default 60 s: an ElastiCache
   * failover takes about a minute, so one rides it out without even asking the region about its rooms.
   */
  downAfterMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

interface Streak {
  /** Consecutive failed probes since the latest 200. */
  failures: number;
  /** When the first of them was made. */
  since: number;
}

/**
 * Probes each region's `https://<label>.<domain>/` (the same check the global stack's DNS uses) in the
 * background, so joins never wait on a probe, and keeps each region's run of failures.
 */
export class HttpRegionHealth implements RegionHealth {
  private readonly intervalMs: number;
  private readonly downAfterMs: number;
  /** Probes that fit in `downAfterMs`, counting both ends: a stalled prober cannot call a region down early. */
  readonly failuresToDown: number;
  private readonly streaks = new Map<string, Streak>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly regionUrls: Record<string, string>,
    private readonly options: HttpRegionHealthOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.downAfterMs = options.downAfterMs ?? 60_000;
    this.failuresToDown = Math.floor(this.downAfterMs / this.intervalMs) + 1;
  }

  async status(region: string): Promise<RegionStatus> {
    const streak = this.streaks.get(region);
    if (streak === undefined) return "failing"; // not probed yet: not known to be up
    if (streak.failures === 0) return "up";
    const failingFor = this.now() - streak.since;
    return streak.failures >= this.failuresToDown && failingFor >= this.downAfterMs ? "down" : "failing";
  }

  /** Probes every region once, at the same time. */
  async probeAll(): Promise<void> {
    await Promise.all(Object.keys(this.regionUrls).map((region) => this.probe(region)));
  }

  /** Probes now and then every `intervalMs` until `stop()`; resolves after the first round. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.probeAll();
    const next = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.probeAll().finally(next), this.intervalMs);
      this.timer.unref();
    };
    next();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async probe(region: string): Promise<void> {
    const at = this.now();
    let up = false;
    try {
      const response = await (this.options.fetch ?? fetch)(healthUrl(this.regionUrls[region]), {
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 2_000),
      });
      up = response.status === 200;
    } catch {
      up = false;
    }
    const streak = this.streaks.get(region);
    if (up) this.streaks.set(region, { failures: 0, since: at });
    else if (streak === undefined || streak.failures === 0) this.streaks.set(region, { failures: 1, since: at });
    else streak.failures += 1;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** Local mode: one LiveKit and nowhere to move a room to, so no probes. */
export class NoHealthProbes implements RegionHealth {
  async status(): Promise<RegionStatus> {
    return "up";
  }
}
