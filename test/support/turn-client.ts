/**
 * A minimal STUN/TURN client over UDP or TCP for tests (RFC 5389 messages and their TCP framing, RFC 5766
 * Allocate, Refresh, CreatePermission and Data indications, RFC 6156 address families, long-term credentials
 * with realm and nonce). Enough to ask a real coturn the questions the tests care about; not a
 * general-purpose client.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import * as dgram from "node:dgram";
import * as net from "node:net";
import { ipBytes as toBytes, parseIp } from "../../lib/ip";

export const Method = {
  Binding: 0x001,
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
} as const;

export const Attr = {
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  Lifetime: 0x000d,
  XorPeerAddress: 0x0012,
  Data: 0x0013,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorRelayedAddress: 0x0016,
  RequestedAddressFamily: 0x0017,
  RequestedTransport: 0x0019,
  XorMappedAddress: 0x0020,
  Software: 0x8022,
  Fingerprint: 0x8028,
} as const;

const MAGIC_COOKIE = 0x2112a442;
const HEADER = 20;

export type StunClass = "request" | "indication" | "success" | "error";

export interface StunAttribute {
  type: number;
  value: Buffer;
}

export interface StunMessage {
  method: number;
  cls: StunClass;
  transactionId: Buffer;
  attributes: StunAttribute[];
  /** The bytes as received, for integrity and fingerprint checks. */
  raw: Buffer;
}

export interface TransportAddress {
  ip: string;
  port: number;
}

const CLASS_BITS: Record<StunClass, number> = { request: 0x000, indication: 0x010, success: 0x100, error: 0x110 };

function messageType(method: number, cls: StunClass): number {
  return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | CLASS_BITS[cls];
}

/** Encodes a message; with `key`, appends MESSAGE-INTEGRITY; always appends FINGERPRINT. */
export function encodeMessage(
  method: number,
  cls: StunClass,
  transactionId: Buffer,
  attributes: StunAttribute[],
  key?: Buffer,
): Buffer {
  const body: Buffer[] = attributes.map((a) => encodeAttribute(a.type, a.value));
  let message = withHeader(method, cls, transactionId, Buffer.concat(body));
  if (key) {
    // HMAC over everything before the attribute, with the length already counting it (RFC 5389 15.4).
    message.writeUInt16BE(message.length - HEADER + 24, 2);
    const mac = createHmac("sha1", key).update(message).digest();
    message = Buffer.concat([message, encodeAttribute(Attr.MessageIntegrity, mac)]);
  }
  message.writeUInt16BE(message.length - HEADER + 8, 2);
  const crc = (crc32(message) ^ 0x5354554e) >>> 0;
  const fp = Buffer.alloc(4);
  fp.writeUInt32BE(crc);
  return Buffer.concat([message, encodeAttribute(Attr.Fingerprint, fp)]);
}

function withHeader(method: number, cls: StunClass, transactionId: Buffer, body: Buffer): Buffer {
  const header = Buffer.alloc(HEADER);
  header.writeUInt16BE(messageType(method, cls), 0);
  header.writeUInt16BE(body.length, 2);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(header, 8);
  return Buffer.concat([header, body]);
}

function encodeAttribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

export function decodeMessage(raw: Buffer): StunMessage | undefined {
  if (raw.length < HEADER || raw.readUInt32BE(4) !== MAGIC_COOKIE) return undefined;
  const type = raw.readUInt16BE(0);
  const length = raw.readUInt16BE(2);
  if (HEADER + length !== raw.length) return undefined;
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const classBits = type & 0x0110;
  const cls = (Object.keys(CLASS_BITS) as StunClass[]).find((c) => CLASS_BITS[c] === classBits)!;
  const attributes: StunAttribute[] = [];
  for (let offset = HEADER; offset + 4 <= raw.length;) {
    const attrType = raw.readUInt16BE(offset);
    const attrLength = raw.readUInt16BE(offset + 2);
    attributes.push({ type: attrType, value: raw.subarray(offset + 4, offset + 4 + attrLength) });
    offset += 4 + Math.ceil(attrLength / 4) * 4;
  }
  return { method, cls, transactionId: raw.subarray(8, 20), attributes, raw };
}

export function attribute(message: StunMessage, type: number): Buffer | undefined {
  return message.attributes.find((a) => a.type === type)?.value;
}

/** ERROR-CODE as a number (401, 403, ...), or undefined on a success answer. */
export function errorCode(message: StunMessage): number | undefined {
  const value = attribute(message, Attr.ErrorCode);
  return value ? (value[2] & 0x7) * 100 + value[3] : undefined;
}

export function errorReason(message: StunMessage): string {
  return attribute(message, Attr.ErrorCode)?.subarray(4).toString("utf8") ?? "";
}

/** The MESSAGE-INTEGRITY of a received message checks out against `key`. */
export function integrityMatches(message: StunMessage, key: Buffer): boolean {
  const raw = message.raw;
  for (let offset = HEADER; offset + 4 <= raw.length;) {
    const type = raw.readUInt16BE(offset);
    const length = raw.readUInt16BE(offset + 2);
    if (type === Attr.MessageIntegrity) {
      const signed = Buffer.from(raw.subarray(0, offset));
      signed.writeUInt16BE(offset - HEADER + 24, 2);
      const expected = createHmac("sha1", key).update(signed).digest();
      return expected.equals(raw.subarray(offset + 4, offset + 24));
    }
    offset += 4 + Math.ceil(length / 4) * 4;
  }
  return false;
}

/** The message ends in a FINGERPRINT that checks out. */
export function fingerprintMatches(message: StunMessage): boolean {
  const raw = message.raw;
  if (raw.length < HEADER + 8 || raw.readUInt16BE(raw.length - 8) !== Attr.Fingerprint) return false;
  const expected = (crc32(raw.subarray(0, raw.length - 8)) ^ 0x5354554e) >>> 0;
  return raw.readUInt32BE(raw.length - 4) === expected;
}

export function encodeXorAddress(address: TransportAddress, transactionId: Buffer): Buffer {
  const v4 = net.isIPv4(address.ip);
  const value = Buffer.alloc(v4 ? 8 : 20);
  value[1] = v4 ? 0x01 : 0x02;
  value.writeUInt16BE(address.port ^ (MAGIC_COOKIE >>> 16), 2);
  const ip = ipBytes(address.ip);
  const mask = Buffer.concat([u32(MAGIC_COOKIE), transactionId]);
  for (let i = 0; i < ip.length; i++) value[4 + i] = ip[i] ^ mask[i];
  return value;
}

export function decodeXorAddress(value: Buffer, transactionId: Buffer): TransportAddress {
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const mask = Buffer.concat([u32(MAGIC_COOKIE), transactionId]);
  const bytes = Buffer.from(value.subarray(4).map((b, i) => b ^ mask[i]));
  if (value[1] === 0x01) return { ip: [...bytes.subarray(0, 4)].join("."), port };
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(2 * i).toString(16));
  return { ip: groups.join(":"), port };
}

/** TURN REST API credentials, as LiveKit generates them for coturn's `use-auth-secret`. */
export function restCredentials(
  secret: string,
  user: string,
  expiresAt: number,
): { username: string; password: string } {
  const username = `${expiresAt}:${user}`;
  return { username, password: createHmac("sha1", secret).update(username).digest("base64") };
}

/** Long-term credential key: MD5(username ":" realm ":" password). */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return createHash("md5").update(`${username}:${realm}:${password}`).digest();
}

export interface Credentials {
  username: string;
  password: string;
}

/** Request attributes, built once the transaction ID is known (XOR-PEER-ADDRESS of IPv6 peers needs it). */
export type AttributesFor = (transactionId: Buffer) => StunAttribute[];

/** How a client reaches the server: UDP (TURN over UDP) or TCP (what the NLB's TLS 443 listener forwards). */
export type Transport = "udp" | "tcp";

/** One 5-tuple's byte pipe: sends whole STUN messages, delivers whole received messages with their size. */
interface Carrier {
  readonly reliable: boolean;
  send(bytes: Buffer): void;
  onMessage(handler: (raw: Buffer) => void): void;
  close(): void;
}

function udpCarrier(socket: dgram.Socket, server: TransportAddress): Carrier {
  return {
    reliable: false,
    send: (bytes) => socket.send(bytes, server.port, server.ip),
    onMessage: (handler) => socket.on("message", (raw) => handler(raw)),
    close: () => socket.close(),
  };
}

/**
 * STUN over TCP: messages back to back, each as long as its header says (RFC 5389 7.2.2); ChannelData
 * frames (first byte 0x40-0x7f) are padded to 4 bytes on a stream (RFC 5766 11.5) and skipped here.
 */
function tcpCarrier(socket: net.Socket): Carrier {
  let pending = Buffer.alloc(0);
  let handler: (raw: Buffer) => void = () => undefined;
  socket.on("data", (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 4) {
      const channelData = pending[0] >= 0x40 && pending[0] <= 0x7f;
      const size = channelData ? 4 + Math.ceil(pending.readUInt16BE(2) / 4) * 4 : HEADER + pending.readUInt16BE(2);
      if (pending.length < size) break;
      const frame = pending.subarray(0, size);
      pending = pending.subarray(size);
      if (!channelData) handler(frame);
    }
  });
  socket.on("error", () => undefined); // a reset shows as a timeout of whatever waits
  return {
    reliable: true,
    send: (bytes) => socket.write(bytes),
    onMessage: (h) => (handler = h),
    close: () => socket.destroy(),
  };
}

/** One 5-tuple to a TURN server (UDP or TCP), with the realm/nonce state of the long-term mechanism. */
export class TurnClient {
  private realm?: string;
  private nonce?: Buffer;
  private readonly waiting = new Map<string, (m: StunMessage) => void>();
  private dataHandler?: (message: StunMessage) => void;

  private constructor(
    /** How this client reaches the server. */
    readonly transport: Transport,
    private readonly carrier: Carrier,
    private readonly server: TransportAddress,
    private readonly credentials: Credentials,
    private readonly timeoutMs: number,
  ) {
    carrier.onMessage((raw) => {
      const message = decodeMessage(raw);
      if (!message) return;
      if (message.cls === "indication") {
        if (message.method === Method.Data) this.dataHandler?.(message);
        return;
      }
      const id = message.transactionId.toString("hex");
      this.waiting.get(id)?.(message);
      this.waiting.delete(id);
    });
  }

  /** Opens a UDP socket, or a TCP connection, from the loopback address of the server's family. */
  static async open(
    server: TransportAddress,
    credentials: Credentials,
    timeoutMs = 1000,
    transport: Transport = "udp",
  ): Promise<TurnClient> {
    const v4 = net.isIPv4(server.ip);
    const local = v4 ? "127.0.0.1" : "::1";
    if (transport === "tcp") {
      const socket = await new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect({ host: server.ip, port: server.port, localAddress: local, noDelay: true });
        s.once("error", reject);
        s.once("connect", () => {
          s.off("error", reject);
          resolve(s);
        });
      });
      return new TurnClient("tcp", tcpCarrier(socket), server, credentials, timeoutMs);
    }
    // A deep receive buffer (Linux caps it at net.core.rmem_max): a busy test machine that starves the event loop
    // for a moment must not drop what the server relayed, or a measured stream reads as the server's doing.
    const socket = dgram.createSocket({ type: v4 ? "udp4" : "udp6", recvBufferSize: 4 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, local, () => resolve());
    });
    return new TurnClient("udp", udpCarrier(socket, server), server, credentials, timeoutMs);
  }

  /** The realm the server announced in its 401 challenge. */
  get announcedRealm(): string | undefined {
    return this.realm;
  }

  /** The long-term key this client signs with, to check the server's MESSAGE-INTEGRITY. */
  get key(): Buffer | undefined {
    return this.realm ? longTermKey(this.credentials.username, this.realm, this.credentials.password) : undefined;
  }

  close(): void {
    this.carrier.close();
  }

  /** Calls `handler` with every Data indication the server relays to this client (from a permitted peer). */
  onData(handler: (message: StunMessage) => void): void {
    this.dataHandler = handler;
  }

  /**
   * Sends one request and waits for its answer; over UDP it retransmits twice. Rejects after `timeoutMs`.
   */
  send(method: number, attributes: AttributesFor, key?: Buffer): Promise<StunMessage> {
    const transactionId = randomBytes(12);
    const bytes = encodeMessage(method, "request", transactionId, attributes(transactionId), key);
    const id = transactionId.toString("hex");
    const attempts = this.carrier.reliable ? 1 : 3;
    return new Promise<StunMessage>((resolve, reject) => {
      let tries = 0;
      let timer: NodeJS.Timeout | undefined;
      const fire = () => {
        if (tries++ >= attempts) {
          this.waiting.delete(id);
          reject(new Error(`no answer from ${this.server.ip}:${this.server.port} within ${this.timeoutMs} ms`));
          return;
        }
        this.carrier.send(bytes);
        timer = setTimeout(fire, this.timeoutMs / attempts);
      };
      this.waiting.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      fire();
    });
  }

  /**
   * Sends a request with long-term credentials: when the realm/nonce are not known yet (first try)
   * or the nonce went stale (438), takes them from the server's challenge and signs again.
   */
  async authenticated(method: number, attributes: AttributesFor): Promise<StunMessage> {
    for (let round = 0; round < 3; round++) {
      const signing = this.realm !== undefined && this.nonce !== undefined;
      const answer = await this.send(
        method,
        (tid) => [
          ...attributes(tid),
          ...(signing
            ? [
                { type: Attr.Username, value: Buffer.from(this.credentials.username) },
                { type: Attr.Realm, value: Buffer.from(this.realm!) },
                { type: Attr.Nonce, value: this.nonce! },
              ]
            : []),
        ],
        signing ? this.key : undefined,
      );
      const code = errorCode(answer);
      const realm = attribute(answer, Attr.Realm);
      const nonce = attribute(answer, Attr.Nonce);
      if (((code === 401 && !signing) || code === 438) && realm && nonce) {
        this.realm = realm.toString("utf8");
        this.nonce = Buffer.from(nonce);
        continue;
      }
      return answer;
    }
    throw new Error("the server kept challenging");
  }

  /** Allocate a UDP relay, optionally of one address family (RFC 6156). */
  async allocate(
    family?: 4 | 6,
  ): Promise<{ answer: StunMessage; relayed?: TransportAddress; mapped?: TransportAddress }> {
    const answer = await this.authenticated(Method.Allocate, () => [
      { type: Attr.RequestedTransport, value: Buffer.from([17, 0, 0, 0]) },
      ...(family ? [{ type: Attr.RequestedAddressFamily, value: Buffer.from([family === 4 ? 1 : 2, 0, 0, 0]) }] : []),
    ]);
    const relayed = attribute(answer, Attr.XorRelayedAddress);
    const mapped = attribute(answer, Attr.XorMappedAddress);
    return {
      answer,
      relayed: relayed && decodeXorAddress(relayed, answer.transactionId),
      mapped: mapped && decodeXorAddress(mapped, answer.transactionId),
    };
  }

  /** CreatePermission towards a peer IP (TURN permissions ignore the port). Nothing is sent to the peer. */
  createPermission(peerIp: string): Promise<StunMessage> {
    return this.authenticated(Method.CreatePermission, (tid) => [
      { type: Attr.XorPeerAddress, value: encodeXorAddress({ ip: peerIp, port: 9 }, tid) },
    ]);
  }

  /** Deletes the allocation (Refresh with LIFETIME 0), as a browser does when it closes a PeerConnection. */
  release(): Promise<StunMessage> {
    return this.authenticated(Method.Refresh, () => [{ type: Attr.Lifetime, value: u32(0) }]);
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function ipBytes(ip: string): Buffer {
  const address = parseIp(ip);
  if (!address) throw new Error(`not an IP address: ${ip}`);
  return Buffer.from(toBytes(address));
}

let crcTable: Uint32Array | undefined;
function crc32(data: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
