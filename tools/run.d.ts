/** Types of tools/run.js (plain JavaScript: it runs before anything is compiled). */

/** The compiled tree of `root`'s sources (default: this project), built first if they changed since. */
export function ensureBuild(root?: string): string;
/** Where the compiled form of `sourceFile`, a .ts file of `root`, is; builds first if needed. */
export function compiledPath(sourceFile: string, root?: string): string;
/** Paths, relative to `root` and sorted, of every file the build compiles or copies. */
export function sourceFiles(root: string): string[];
