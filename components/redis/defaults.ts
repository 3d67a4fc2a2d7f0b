/** Redis holds LiveKit's routing state, no user data: a week of daily snapshots is for investigations. */
export const REDIS_SNAPSHOT_RETENTION_DAYS = 7;
