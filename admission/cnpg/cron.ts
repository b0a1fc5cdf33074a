/**
 * `cron.Parse` of github.com/robfig/cron v1.2.0 (parser.go), the parser the ScheduledBackup webhook
 * of cloudnative-pg v1.30.0 uses: SIX fields with seconds first (`sec min hour dom month [dow]`,
 * day-of-week optional, so 5 fields parse as `sec min hour dom month`), or a descriptor
 * (`@daily`, `@every 1h`). A standard 5-field crontab line is therefore read shifted by one field.
 */
import { atoi, fields, parseGoDuration } from "./util";

interface Bounds {
    readonly min: number;
    readonly max: number;
    readonly names?: Readonly<Record<string, number>>;
}

const MONTHS = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const BOUNDS: readonly Bounds[] = [
    { min: 0, max: 59 },
    { min: 0, max: 59 },
    { min: 0, max: 23 },
    { min: 1, max: 31 },
    { min: 1, max: 12, names: MONTHS },
    { min: 0, max: 6, names: DAYS },
];
const DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/** `mustParseInt`: Go Atoi, then no negatives. */
function mustParseInt(expr: string): number | string {
    const n = atoi(expr);
    if (n === undefined) return `Failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": invalid syntax`;
    if (n < 0) return `Negative number (${n}) not allowed: ${expr}`;
    return n;
}

function parseIntOrName(expr: string, b: Bounds): number | string {
    const named = b.names ? (b.names as Record<string, number | undefined>)[expr.toLowerCase()] : undefined;
    return named ?? mustParseInt(expr);
}

/** `getRange`: the error of one range expression, or undefined. */
function rangeError(expr: string, b: Bounds): string | undefined {
    const rangeAndStep = expr.split("/");
    const lowAndHigh = rangeAndStep[0].split("-");
    let start: number;
    let end: number;
    if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") [start, end] = [b.min, b.max];
    else {
        const s = parseIntOrName(lowAndHigh[0], b);
        if (typeof s === "string") return s;
        start = end = s;
        if (lowAndHigh.length === 2) {
            const e = parseIntOrName(lowAndHigh[1], b);
            if (typeof e === "string") return e;
            end = e;
        } else if (lowAndHigh.length > 2) return `Too many hyphens: ${expr}`;
    }
    let step = 1;
    if (rangeAndStep.length === 2) {
        const s = mustParseInt(rangeAndStep[1]);
        if (typeof s === "string") return s;
        step = s;
        if (lowAndHigh.length === 1) end = b.max;
    } else if (rangeAndStep.length > 2) return `Too many slashes: ${expr}`;
    if (start < b.min) return `Beginning of range (${start}) below minimum (${b.min}): ${expr}`;
    if (end > b.max) return `End of range (${end}) above maximum (${b.max}): ${expr}`;
    if (start > end) return `Beginning of range (${start}) beyond end of range (${end}): ${expr}`;
    if (step === 0) return `Step of range should be a positive number: ${expr}`;
    return undefined;
}

/** The error robfig/cron v1.2.0 `Parse` returns for `spec`, or undefined when it parses. */
export function robfigCronError(spec: string): string | undefined {
    if (spec.length === 0) return "Empty spec string";
    if (spec.startsWith("@")) {
        if (DESCRIPTORS.includes(spec)) return undefined;
        if (spec.startsWith("@every "))
            return parseGoDuration(spec.slice(7)) === undefined ? `Failed to parse duration ${spec}` : undefined;
        return `Unrecognized descriptor: ${spec}`;
    }
    const fs = fields(spec);
    if (fs.length < 5 || fs.length > 6) return `Expected 5 to 6 fields, found ${fs.length}: ${spec}`;
    for (let i = 0; i < fs.length; i++)
        for (const expr of fs[i].split(",").filter((x) => x !== "")) {
            const err = rangeError(expr, BOUNDS[i]);
            if (err) return err;
        }
    return undefined;
}
