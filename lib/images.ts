/**
 * Image pinning: an image reference with its digest when the stack config lists one
 * (`images.digests`), so every node runs the same bytes. Pure.
 */
import { hasImageDigest } from "../policies/contract";

/** `<image>:<tag>` with `@<digest>` appended when `digests` lists it; a reference with a digest is left as is. */
export function pinImage(ref: string, digests: Readonly<Record<string, string>>): string {
    if (hasImageDigest(ref)) return ref;
    const digest = digests[ref];
    return digest ? `${ref}@${digest}` : ref;
}

/** A chart's image tag value (`<tag>` or `<tag>@<digest>`): the charts compose `<repository>:<tag>`. */
export function chartImageTag(repository: string, tag: string, digests: Readonly<Record<string, string>>): string {
    const digest = digests[`${repository}:${tag}`];
    return digest ? `${tag}@${digest}` : tag;
}
