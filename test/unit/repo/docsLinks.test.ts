/**
 * The README is the newcomer's screen and the docs are its pages: every relative link in them
 * (and in the folders' own READMEs) points to a file of the repository, every `#anchor` to a
 * heading of its page, the README stays short, and every npm script is listed in the README and,
 * when it is a command with exit codes, in the exit-code table of docs/operations.md.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");
const DOCS = fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`);
const PAGES = ["README.md", ...DOCS, "policies/README.md", "crds/README.md"];
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** The text outside fenced code blocks and inline code, where links and headings are real. */
function prose(markdown: string): string {
    return markdown.replace(/^```[^]*?^```/gm, "").replace(/`[^`\n]*`/g, (code) => code.replace(/[[\]()#]/g, " "));
}

/** GitHub's anchor of a heading: lower case, punctuation dropped (backticks included), spaces to hyphens. */
function slug(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\p{M} _-]/gu, "")
        .replace(/ /g, "-");
}

/** The anchors of a page's headings; a repeated heading gets `-1`, `-2`, ... as on GitHub. */
function anchors(markdown: string): Set<string> {
    const seen = new Map<string, number>();
    const out = new Set<string>();
    for (const m of markdown.replace(/^```[^]*?^```/gm, "").matchAll(/^#{1,6} (.+)$/gm)) {
        const base = slug(m[1]);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        out.add(n === 0 ? base : `${base}-${n}`);
    }
    return out;
}

/** Every `[text](target)` of a page whose target is not a URL. */
function relativeLinks(markdown: string): string[] {
    return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

describe("the docs' links", () => {
    test("slug follows GitHub's anchors", () => {
        assert.equal(slug("Offline: `npm run render`"), "offline-npm-run-render");
        assert.equal(slug("`npm run forecast` and `npm run bench:forecast`"), "npm-run-forecast-and-npm-run-benchforecast");
        assert.equal(slug("Decisions on CloudNativePG 1.30's deprecations"), "decisions-on-cloudnativepg-130s-deprecations");
    });
    for (const page of PAGES) {
        test(`${page}: every relative link resolves to a file, and every anchor to a heading`, () => {
            const broken: string[] = [];
            for (const link of relativeLinks(read(page))) {
                const [file, anchor] = link.split("#", 2);
                const target = file === "" ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
                if (target.startsWith("..") || !fs.existsSync(path.join(ROOT, target))) broken.push(`${link}: no file ${target}`);
                else if (anchor !== undefined && !(target.endsWith(".md") && anchors(read(target)).has(anchor)))
                    broken.push(`${link}: no heading #${anchor} in ${target}`);
            }
            assert.deepEqual(broken, []);
        });
    }
    test("every page of docs/ is linked from the README", () => {
        const linked = new Set(relativeLinks(read("README.md")).map((l) => l.split("#")[0]));
        assert.deepEqual(
            DOCS.filter((d) => !linked.has(d)),
            [],
        );
    });
});

describe("the README fits on a screen's worth of orientation", () => {
    test("at most 250 lines", () => {
        const lines = read("README.md").split("\n").length - 1;
        assert.ok(lines <= 250, `README.md has ${lines} lines; move the detail to docs/`);
    });
});

describe("every npm script is documented", () => {
    const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);
    const section = (text: string, heading: string) => {
        const start = text.indexOf(`\n${heading}\n`);
        assert.ok(start >= 0, `no section ${heading}`);
        const end = text.indexOf("\n## ", start + heading.length + 2);
        return text.slice(start, end < 0 ? undefined : end);
    };
    test("each in the README's table of npm scripts", () => {
        const table = section(read("README.md"), "## npm scripts");
        assert.deepEqual(
            scripts.filter((s) => !new RegExp("`" + s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "(`| --)").test(table)),
            [],
        );
    });
    test("each command with exit codes in docs/operations.md's table", () => {
        // npm's own kinds of scripts (tests, lint, format, tsc) exit as their tools do.
        const own = new Set(["test", "test:unit", "test:integration", "test:mutation", "lint", "format", "typecheck"]);
        const table = section(read("docs/operations.md"), "## Errors and exit codes");
        const rows = [...table.matchAll(/^\| (`npm run [^|]+)\|/gm)].flatMap((m) =>
            [...m[1].matchAll(/`npm run ([^`]+)`/g)].map((c) => c[1]),
        );
        assert.deepEqual(scripts.filter((s) => !own.has(s)).sort(), [...rows].sort());
    });
});
