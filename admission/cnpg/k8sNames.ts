/**
 * The apimachinery validators the CloudNativePG webhook calls (k8s.io/apimachinery v0.36
 * pkg/util/validation and pkg/apis/meta/v1/validation): DNS-1035 labels, qualified names, label
 * values and label selectors. Each returns the error texts (empty when valid).
 */
import { list, rec, str } from "./util";

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** `IsDNS1035Label`. */
export function dns1035LabelErrors(v: string): string[] {
    const errs: string[] = [];
    if (v.length > 63) errs.push("must be no more than 63 characters");
    if (!DNS1035.test(v))
        errs.push(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        );
    return errs;
}

/** `IsQualifiedName` (label keys, toleration keys). */
export function qualifiedNameErrors(v: string): string[] {
    const parts = v.split("/");
    if (parts.length > 2)
        return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'"];
    const name = parts[parts.length - 1];
    const errs: string[] = [];
    if (parts.length === 2) {
        const prefix = parts[0];
        if (prefix === "") errs.push("prefix part must be non-empty");
        else if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) errs.push("prefix part must be a lowercase RFC 1123 subdomain");
    }
    if (name === "") errs.push("name part must be non-empty");
    else if (name.length > 63) errs.push("name part must be no more than 63 characters");
    else if (!QUALIFIED_NAME.test(name))
        errs.push(
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        );
    return errs;
}

/** `IsValidLabelValue`. */
export function labelValueErrors(v: string): string[] {
    const errs: string[] = [];
    if (v.length > 63) errs.push("must be no more than 63 characters");
    if (!LABEL_VALUE.test(v))
        errs.push(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        );
    return errs;
}

/** `ValidateLabelSelector` with default options: `[path, message]` pairs. */
export function labelSelectorErrors(selector: unknown, path: string): [string, string][] {
    const out: [string, string][] = [];
    const sel = rec(selector);
    for (const [k, v] of Object.entries(rec(sel.matchLabels))) {
        for (const e of qualifiedNameErrors(k)) out.push([`${path}.matchLabels`, `${k}: ${e}`]);
        for (const e of labelValueErrors(str(v))) out.push([`${path}.matchLabels`, `${str(v)}: ${e}`]);
    }
    list(sel.matchExpressions).forEach((x, i) => {
        const e = rec(x);
        const p = `${path}.matchExpressions[${i}]`;
        const values = list(e.values).map(str);
        switch (str(e.operator)) {
            case "In":
            case "NotIn":
                if (values.length === 0) out.push([`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"]);
                break;
            case "Exists":
            case "DoesNotExist":
                if (values.length > 0) out.push([`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"]);
                break;
            default:
                out.push([`${p}.operator`, `${str(e.operator)}: not a valid selector operator`]);
        }
        for (const err of qualifiedNameErrors(str(e.key))) out.push([`${p}.key`, err]);
        values.forEach((v, j) => labelValueErrors(v).forEach((err) => out.push([`${p}.values[${j}]`, `${v}: ${err}`])));
    });
    return out;
}
