import { hasImageDigest, isPinnedImage } from "../contract";
import { containersOf } from "../lib/k8s";
import { podSubject } from "../lib/pods";
import { podRule, schema } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

interface Config {
    requireDigest: boolean;
}

/** `wl-image-pinned`: every node runs the same image; in prod the same bytes (a digest). */
export const wlImagePinned = podRule<Config>(
    {
        name: "wl-image-pinned",
        description: "Container images are pinned to a version tag (not latest) or, where required, a sha256 digest.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Reference images as name:version, or name@sha256:<digest> where digests are required.",
        configSchema: { properties: { requireDigest: schema.bool(true, "Require name@sha256:<digest> (a tag can be moved).") } },
    },
    (pod, o, cfg, report) => {
        forEachKnown(containersOf(pod.spec), ({ name, c }) => {
            if (pod.imageFromOutside.includes(name)) return; // the operator's image: pinned where the operator is installed
            const image = String(c.image);
            if (!isPinnedImage(image))
                report(
                    `${podSubject(pod, o)}: container ${name} image ${image} is not pinned; use a version tag (not latest) or a sha256 digest.`,
                );
            else if (cfg.requireDigest && !hasImageDigest(image))
                report(
                    `${podSubject(pod, o)}: container ${name} image ${image} is pinned by tag, not digest; pin it as name@sha256:<digest> so every node runs the same bytes.`,
                );
        });
    },
);
