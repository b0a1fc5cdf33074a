import { containersOf, podTemplateOf, WORKLOAD_KINDS } from "../lib/k8s";
import { resourceRule, schema } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

interface Config {
    requireDigest: boolean;
}

const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** True when an image reference carries a version tag (not `latest`) or a sha256 digest. */
export function isPinned(ref: string): boolean {
    if (DIGEST.test(ref)) return true;
    const last = ref.slice(ref.lastIndexOf("/") + 1);
    const tag = last.includes(":") ? last.slice(last.indexOf(":") + 1) : "";
    return /^[\w][\w.-]{0,127}$/.test(tag) && tag !== "latest";
}

/** `wl-image-pinned`: every node runs the same image; in prod the same bytes (a digest). */
export const wlImagePinned = resourceRule<Config>(
    {
        name: "wl-image-pinned",
        description: "Container images are pinned to a version tag (not latest) or, where required, a sha256 digest.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Reference images as name:version, or name@sha256:<digest> where digests are required.",
        configSchema: { properties: { requireDigest: schema.bool(true, "Require name@sha256:<digest> (a tag can be moved).") } },
    },
    (kind) => WORKLOAD_KINDS.includes(kind),
    (o, cfg, report) => {
        forEachKnown(containersOf(podTemplateOf(o.kind, o.props)?.spec), ({ name, c }) => {
            const image = String(c.image);
            if (!isPinned(image))
                report(`${o.id}: container ${name} image ${image} is not pinned; use a version tag (not latest) or a sha256 digest.`);
            else if (cfg.requireDigest && !DIGEST.test(image))
                report(
                    `${o.id}: container ${name} image ${image} is pinned by tag, not digest; pin it as name@sha256:<digest> so every node runs the same bytes.`,
                );
        });
    },
);
