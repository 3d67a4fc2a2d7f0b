/** Markdown as GitHub renders it: headings and their anchors (github-slugger), links. */
import * as fs from "fs";
import GithubSlugger from "github-slugger";
import MarkdownIt from "markdown-it";

const markdown = new MarkdownIt();
type Token = MarkdownIt.Token;

export const tokensOf = (file: string): Token[] => markdown.parse(fs.readFileSync(file, "utf8"), {});

/** A heading's text as rendered: inline code without its backticks, links as their text. */
const renderedText = (inline: Token) =>
  (inline.children ?? []).map((t) => (t.type === "text" || t.type === "code_inline" ? t.content : "")).join("");

/** Each heading of a markdown file: its rendered text and its anchor. */
export function headingsOf(file: string): { text: string; anchor: string }[] {
  const slugger = new GithubSlugger();
  const tokens = tokensOf(file);
  return tokens.flatMap((t, i) => {
    if (t.type !== "heading_open") return [];
    const text = renderedText(tokens[i + 1]);
    return [{ text, anchor: slugger.slug(text) }];
  });
}
