/**
 * The region command: `npm run region -- add <name> <aws-region> [--from <region stack>]`.
 *
 * Writes `Pulumi.<name>.yaml`, a region stack in <aws-region> with the settings of an existing region file
 * (the first by stack name, or --from) and what each region has of its own changed (./add.ts), then prints what
 * is left to do: the stack, its secrets (copied through Pulumi: a ciphertext decrypts only in its own stack),
 * the plans and the deployment.
 *
 * Exit codes: 0 written; 2 the request does not fit the project (one `error: ...` line), nothing written.
 */
import { InputError } from "../../../lib/errors";
import { findProjectRoot } from "../../../stacks/stack-files";
import { CommandOutput, FlagOptions, readCommandLine, STANDARD_OUTPUT, UsageError } from "../flags";
import { addRegion } from "./add";

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 2;

const USAGE = "usage: npm run region -- add <name> <aws-region> [--from <region stack>]";

const HELP = `${USAGE}

Writes Pulumi.<name>.yaml: a region stack named <name> (its hostnames <name>.<domain> and turn-<name>.<domain>)
in <aws-region>, with the settings of the first region stack file (or --from), a VPC range no other region
uses, the global stack's domain and DNS zone, and without the settings only one region may hold. Then prints
the steps left: pulumi stack init, copying the secrets through Pulumi, the plans, pulumi up.
`;

const FLAGS = {
  from: { type: "string" },
  help: { type: "boolean", short: "h" },
} satisfies FlagOptions;

export function main(argv: string[], out: CommandOutput, projectRoot: string = findProjectRoot(__dirname)): number {
  try {
    const { words, flags } = readCommandLine(argv, FLAGS, 3, (argument) => `unexpected argument ${argument}; ${USAGE}`);
    if (flags.help) {
      out.log(HELP);
      return EXIT_OK;
    }
    const [action, name, awsRegion] = words;
    if (action !== "add" || name === undefined || awsRegion === undefined) throw new UsageError(USAGE);
    const added = addRegion(projectRoot, { name, awsRegion, from: flags.from });
    out.log(
      `Wrote ${added.file}: ${awsRegion}, ${added.hostnames.join(" and ")}, VPC ${added.cidr}, ` +
        `the other settings as ${added.from}'s.\nStill to do:\n${added.steps.map((s) => `  ${s}\n`).join("")}`,
    );
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof InputError || e instanceof UsageError)) throw e;
    out.error(`error: ${e.message}\n`);
    return EXIT_BAD_INPUT;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), STANDARD_OUTPUT);
}
