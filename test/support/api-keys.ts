/**
 * Refreshed participant tokens against rendered key files. livekit-server v1.13.5 refreshes a participant's token
 * with any key of its key file (`RoomManager.refreshToken` and `getFirstKeyPair`, a range over the Go map
 * `Config.Keys`, pkg/service/roommanager.go and pkg/config/config.go), and the server the client reconnects to
 * looks the token's key id (`iss`) up in its own key file and verifies the signature with that secret, answering
 * 401 when the id is unknown or the signature does not match (`APIKeyAuthMiddleware`, pkg/service/auth.go).
 * Tokens here are real JWTs, signed and verified with livekit-server-sdk.
 */
import { parse } from "yaml";
import { AccessToken, TokenVerifier } from "livekit-server-sdk";
import { inputsOf, PlanResult, resourcesOfType } from "../../tools/plan/engine";

/** The key file a region plan renders: key id -> secret, from the `livekit-api-keys` Secret. */
export function renderedKeyFile(plan: PlanResult): Record<string, string> {
  const secrets = resourcesOfType(plan, "kubernetes:core/v1:Secret")
    .map((r) => inputsOf(r))
    .filter((s) => s.metadata?.name === "livekit-api-keys");
  if (secrets.length !== 1) throw new Error(`expected one livekit-api-keys Secret, found ${secrets.length}`);
  return parse(secrets[0].stringData["keys.yaml"]) as Record<string, string>;
}

/** A participant's token as livekit-server refreshes it: its grants, signed with one key pair of the file. */
export function refreshedToken(keyId: string, secret: string): Promise<string> {
  const token = new AccessToken(keyId, secret, { identity: "alice", ttl: 6 * 3600 });
  token.addGrant({ roomJoin: true, room: "demo", canPublish: true, canSubscribe: true });
  return token.toJwt();
}

/** What a server with this key file answers to the token: "ok", or the 401 it gives. */
export async function answerOf(keyFile: Record<string, string>, token: string): Promise<string> {
  const keyId = (JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")) as { iss: string }).iss;
  const secret = keyFile[keyId];
  if (secret === undefined) return `401 invalid API key: ${keyId}`;
  return new TokenVerifier(keyId, secret).verify(token).then(
    () => "ok",
    () => "401 invalid token",
  );
}

/**
 * For every region, every key of its rendered key file signs a refreshed token, which is presented to every
 * region `presentedTo(region)` lists: the answers that are not "ok", as "<signer> <key id> -> <server>: <answer>".
 */
export async function refreshedTokenFailures(
  keyFiles: Record<string, Record<string, string>>,
  presentedTo: (region: string) => string[],
): Promise<string[]> {
  const failures: string[] = [];
  for (const [signer, keyFile] of Object.entries(keyFiles)) {
    for (const [keyId, secret] of Object.entries(keyFile)) {
      const token = await refreshedToken(keyId, secret);
      for (const server of presentedTo(signer)) {
        const answer = await answerOf(keyFiles[server], token);
        if (answer !== "ok") failures.push(`${signer} ${keyId} -> ${server}: ${answer}`);
      }
    }
  }
  return failures;
}
