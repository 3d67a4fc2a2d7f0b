/** Memory of a LiveKit SFU pod: room state and packet buffers; the limit leaves room for bursts. */
export const LIVEKIT_MEMORY = { requestMiB: 8192, limitMiB: 10240 } as const;
