/**
 * The region's credentials as a stack file states them: `livekit-platform:applicationKeys`, `serviceKeys` and the
 * generations of the TURN shared secret (`turn.sharedSecret`). A secret is never echoed in an error, only its
 * length.
 */
import { z } from "zod";
import { SERVICE_KEY_PREFIXES, ServiceKeyConsumer } from "../../../components/credentials/api-keys";
import { INITIAL_TURN_SECRET_GENERATION } from "../../../components/shared/turn";

/**
 * An API key id as livekit-server's key file takes it: a YAML map key, so plain letters and digits (LiveKit's
 * own `generate-keys` makes `API` + 12 alphanumerics).
 */
const API_KEY_ID = /^[A-Za-z0-9]{3,64}$/;
/** LiveKit logs an error for API secrets shorter than 32 characters (pkg/config/config.go, v1.13.5). */
const MIN_API_SECRET_LENGTH = 32;

/**
 * The application's API keys: the one it signs tokens (and LiveKit its webhooks) with, and during a
 * rotation one more that every region still accepts. Set with `npm run keys` (tools/commands/keys.ts); the secrets
 * are `secure:` values in the stack file. A secret is never echoed in an error, only its length.
 */
const applicationKeysSchema = z
  .strictObject({
    signing: z
      .string({ error: "must be an API key id" })
      .regex(API_KEY_ID, { error: "must be an API key id (3-64 letters and digits)" })
      .describe("Id of the key the application signs with, and LiveKit signs webhooks with; one of `keys`."),
    keys: z
      .record(z.string(), z.unknown(), { error: "must map each API key id to its secret" })
      .describe(
        "Key id -> secret (`secure:`): the signing key, and at most one other (the old or new key of a rotation).",
      ),
  })
  .superRefine((app, ctx) => {
    const ids = Object.keys(app.keys);
    if (ids.length < 1 || ids.length > 2) {
      ctx.addIssue({
        code: "custom",
        path: ["keys"],
        input: ids,
        message: "must hold one key, or two while rotating (the old and the new)",
      });
    }
    for (const id of ids) {
      if (!API_KEY_ID.test(id)) {
        ctx.addIssue({
          code: "custom",
          path: ["keys"],
          input: id,
          message: "has a key id that is not 3-64 letters and digits",
        });
      }
      const secret = app.keys[id];
      if (typeof secret !== "string" || secret.length < MIN_API_SECRET_LENGTH || /\s/.test(secret)) {
        ctx.addIssue({
          code: "custom",
          path: ["keys", id],
          // Never the secret itself.
          input: typeof secret === "string" ? `[secret of ${secret.length} characters]` : typeof secret,
          message: `must be a secret of at least ${MIN_API_SECRET_LENGTH} characters without blanks (set it with --secret)`,
        });
      }
    }
    if (!Object.hasOwn(app.keys, app.signing)) {
      ctx.addIssue({
        code: "custom",
        path: ["signing"],
        input: app.signing,
        message: `must be one of the ids in applicationKeys.keys (${ids.join(", ")})`,
      });
    }
  })
  .transform((app) => ({ signing: app.signing, keys: app.keys as Record<string, string> }));

export type ApplicationKeys = z.infer<typeof applicationKeysSchema>;

export const applicationKeys = applicationKeysSchema
  .optional()
  .describe('The application\'s API keys, the same in every region (see docs/credentials.md, "API keys"); required.');

/** A key pair of egress or the load tests: an id with the consumer's prefix, a `secure:` secret. */
function serviceKeyPair(consumer: ServiceKeyConsumer) {
  const prefix = SERVICE_KEY_PREFIXES[consumer];
  return z
    .strictObject({
      id: z
        .string({ error: `must be an API key id starting with ${prefix}` })
        .regex(new RegExp(`^${prefix}[A-Za-z0-9]{3,${64 - prefix.length}}$`), {
          error: `must be ${prefix} and 3-${64 - prefix.length} letters and digits`,
        })
        .describe(`The key id: ${prefix} and letters and digits, the same in every region file.`),
      secret: z
        .unknown()
        .superRefine((secret, ctx) => {
          if (typeof secret !== "string" || secret.length < MIN_API_SECRET_LENGTH || /\s/.test(secret)) {
            ctx.addIssue({
              code: "custom",
              // Never the secret itself.
              input: typeof secret === "string" ? `[secret of ${secret.length} characters]` : typeof secret,
              message: `must be a secret of at least ${MIN_API_SECRET_LENGTH} characters without blanks (set it with --secret)`,
            });
          }
        })
        .transform((secret) => secret as string)
        .describe("Its secret (`secure:`), the same in every region file."),
    })
    .describe(`The ${consumer === "egress" ? "egress" : "load tests'"} key pair.`);
}

/**
 * Egress's and the load tests' key pairs from config instead of generated per region. Required in global rooms
 * mode: livekit-server signs participants' refreshed tokens with any key of its key file
 * (components/credentials/api-keys.ts), and there a participant can reconnect through any region, which must then
 * hold the same keys.
 */
const serviceKeysSchema = z.strictObject({
  egress: serviceKeyPair("egress"),
  loadTest: serviceKeyPair("loadTest"),
});

export const serviceKeys = serviceKeysSchema
  .optional()
  .describe(
    "Egress's and the load tests' API key pairs, the same in every region file, instead of a pair generated per region; required with rooms.mode global, where a participant's token, which livekit-server refreshes with any key of its key file, can reach every region (see docs/credentials.md, \"API keys\").",
  );

/**
 * A generation label of the TURN shared secret: it names a RandomPassword (`<region>-livekit-turn-secret-<label>`)
 * and goes into pod annotations, so short and DNS-label-like. A YAML number (`current: 2`) is read as its digits.
 */
const TURN_SECRET_GENERATION = /^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$/;
const turnSecretGeneration = z.preprocess(
  (v) => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? String(v) : v),
  // The string's error words its pattern's failure too (zod 4: a check without its own takes the schema's).
  z
    .string({ error: "must be a generation label (1-16 lowercase letters, digits and hyphens, such as 2)" })
    .regex(TURN_SECRET_GENERATION),
);

/**
 * Which generations of the TURN shared secret are in use (docs/credentials.md, "The TURN shared secret"): LiveKit mints
 * with `current`, Coturn accepts it and at most one other, so a rotation never refuses a valid credential.
 */
export const turnSharedSecret = z
  .strictObject({
    // .meta, not .describe: the number-to-label step hides the default from the reference generator.
    current: turnSecretGeneration.default(INITIAL_TURN_SECRET_GENERATION).meta({
      description:
        "The generation LiveKit mints TURN credentials with; Coturn accepts it too. A label of 1-16 lowercase letters, digits and hyphens; a number (`2`) is read as its digits.",
      defaultText: `\`${INITIAL_TURN_SECRET_GENERATION}\`, the secret the stack was created with`,
    }),
    alsoAccepted: z
      .array(turnSecretGeneration, { error: "must be a list of generation labels" })
      .max(1, {
        error:
          "must name at most one generation besides current (Coturn accepts two secrets at once: the current one and the one coming or going)",
      })
      .default([])
      .meta({
        description:
          "During a rotation, the one other generation Coturn accepts: the next one before it becomes current, then the old one until no credential minted with it is left. Empty otherwise; never current itself.",
        defaultText: "`[]`",
      }),
  })
  .prefault({})
  .superRefine((secret, ctx) => {
    if (secret.alsoAccepted.includes(secret.current)) {
      ctx.addIssue({
        code: "custom",
        path: ["alsoAccepted"],
        input: secret.alsoAccepted,
        message: `must not name current (${secret.current}) again`,
      });
    }
  });
