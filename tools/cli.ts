/**
 * What every command-line entry point shares: how an expected failure and a bug are reported,
 * the exit code of a bug, file-system errors in words, and the process wrapper that turns
 * anything thrown past `main` into a one-line "internal error" instead of a stack trace.
 *
 * An expected failure is a `CliError` (message and exit code of the command's documented set);
 * anything else is a bug: `<command>: internal error (a bug, please report it): <message>`, exit
 * `EXIT_INTERNAL`, and the stack trace only when `SYSMANAGE_DEBUG=1`.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CommanderError, type Command } from "commander";

/** Exit code of an unexpected failure (a bug) in every command: sysexits.h's EX_SOFTWARE. */
export const EXIT_INTERNAL = 70;
/** Set to 1 to print the stack trace of an internal error. */
export const DEBUG_ENV = "SYSMANAGE_DEBUG";

/** Where a command writes its lines (the process streams by default; tests capture them). */
export interface Io {
    out(line: string): void;
    err(line: string): void;
}
export const STDIO: Io = {
    out: (l) => void process.stdout.write(`${l}\n`),
    err: (l) => void process.stderr.write(`${l}\n`),
};

/** An expected failure: its message is printed as is and the command exits with `code`. */
export class CliError extends Error {
    constructor(
        message: string,
        readonly code: number,
    ) {
        super(message);
        this.name = "CliError";
    }
}

/** The exit code commander asks for: 0 for --help/--version, else `usage`. */
export function commanderExit(e: unknown, usage = 2): number {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : usage;
    throw e;
}

/**
 * Parses `argv` with `program`, its help and errors written to `io`: `undefined` when the command
 * should run, else the exit code (0 after --help, `usage` for an option error).
 */
export function parseCommand(program: Command, argv: string[], io: Io, usage = 2): number | undefined {
    program.exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
    try {
        program.parse(argv, { from: "user" });
        return undefined;
    } catch (e) {
        return commanderExit(e, usage);
    }
}

/**
 * A value for a message: JSON-quoted (control characters escaped, so nothing can rewrite the
 * terminal), and cut to `max` characters.
 */
export function shown(v: string, max = 80): string {
    const q = JSON.stringify(v);
    return q.length <= max ? q : `${q.slice(0, max - 2)}…"`;
}

/**
 * Text with the user-info part of every URL-like token replaced: `https://user:pw@host` becomes
 * `https://***@host`. For messages of unexpected errors, whose text we do not control; the part
 * between `://` and the last `@` of a token goes, so a password containing `/`, `@` or `:` goes too.
 */
export function withoutCredentials(text: string): string {
    return text.replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/)(\S*)/g, (all, scheme: string, rest: string) => {
        const at = rest.lastIndexOf("@");
        return at < 0 ? all : `${scheme}***${rest.slice(at)}`;
    });
}

const FS_REASONS: Record<string, string> = {
    ENOENT: "does not exist",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    ENOTDIR: "a part of the path is not a directory",
    EISDIR: "is a directory",
    EEXIST: "already exists",
    ENOTEMPTY: "is a directory that is not empty",
    ENOSPC: "no space left on the device",
    EDQUOT: "disk quota exceeded",
    EROFS: "the file system is read-only",
    ENAMETOOLONG: "the name is too long",
    ELOOP: "too many levels of symbolic links",
    EMFILE: "too many open files",
    EBUSY: "the resource is busy",
    EXDEV: "is on another file system",
    EIO: "input/output error",
    EINVAL: "invalid argument",
};

/** True for an error Node's fs module raises (it has an errno code). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
    return (
        e instanceof Error &&
        typeof (e as NodeJS.ErrnoException).code === "string" &&
        /^E[A-Z]+$/.test(String((e as NodeJS.ErrnoException).code))
    );
}

/** A file-system error in words: `permission denied (EACCES)`. */
export function fsReason(e: NodeJS.ErrnoException): string {
    const code = e.code ?? "unknown";
    return `${FS_REASONS[code] ?? "file-system error"} (${code})`;
}

/** Reports an unexpected failure and returns its exit code. */
export function internalError(command: string, e: unknown, io: Io, env: NodeJS.ProcessEnv = process.env): number {
    const message = e instanceof Error ? e.message : String(e);
    io.err(`${command}: internal error (a bug, please report it): ${withoutCredentials(message.split("\n")[0] ?? "")}`);
    if (env[DEBUG_ENV] === "1" && e instanceof Error && e.stack) io.err(withoutCredentials(e.stack));
    else io.err(`(set ${DEBUG_ENV}=1 to print the stack trace)`);
    return EXIT_INTERNAL;
}

/**
 * Runs a command's `main` as the process: exits with its code; anything thrown or rejected past
 * it (including an unhandled rejection or exception from a library) is an internal error.
 */
export function runMain(command: string, main: (argv: string[]) => Promise<number>): void {
    const fail = (e: unknown) => process.exit(internalError(command, e, STDIO));
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);
    // A reader that goes away (`| head`) is not a failure of the command.
    for (const s of [process.stdout, process.stderr])
        s.on("error", (e: NodeJS.ErrnoException) => (e.code === "EPIPE" ? process.exit(0) : fail(e)));
    main(process.argv.slice(2)).then(exitFlushed, fail);
}

/**
 * Exits with `code` once stdout and stderr have taken what was written: `process.exit` right away
 * drops what a pipe has not taken yet (`npm run forecast -- --json | jq` got the first 64 KiB).
 */
function exitFlushed(code: number): void {
    let pending = 2;
    const done = () => {
        if (--pending === 0) process.exit(code);
    };
    process.stdout.write("", done);
    process.stderr.write("", done);
}

/**
 * Writes `text` to `file` through a temporary file beside it, renamed over it: a reader sees the
 * old content or the new, never part of it. A file-system failure is a CliError with `code`
 * naming `what` (an option such as `--json out.json`, or a file); the file is left as it was.
 */
export function writeFileAtomic(file: string, text: string | Uint8Array, what: string, code = 3): void {
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${crypto.randomBytes(4).toString("hex")}.tmp`);
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(tmp, text);
        fs.renameSync(tmp, file);
    } catch (e) {
        fs.rmSync(tmp, { force: true });
        if (isFsError(e)) throw new CliError(`${what}: could not write: ${fsReason(e)}; the file was left as it was`, code);
        throw e;
    }
}
