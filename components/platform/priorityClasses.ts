import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PriorityClassManifest } from "../../lib/priorityClasses";

export interface PriorityClassesArgs {
    /** The classes to declare (lib/priorityClasses.ts priorityClasses()); each child is named `<name>-<tier>`. */
    readonly classes: readonly PriorityClassManifest[];
}

/** The stack's PriorityClasses: cluster-scoped, one per tier (data, API, workers, batch). */
export class PriorityClasses extends pulumi.ComponentResource {
    /** The classes by their Kubernetes name. */
    public readonly classes: Readonly<Record<string, k8s.scheduling.v1.PriorityClass>>;

    constructor(name: string, args: PriorityClassesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:platform:PriorityClasses", name, {}, opts);
        const classes: Record<string, k8s.scheduling.v1.PriorityClass> = {};
        for (const { tier, ...manifest } of args.classes) {
            classes[manifest.metadata.name] = new k8s.scheduling.v1.PriorityClass(`${name}-${tier}`, manifest, { parent: this });
        }
        this.classes = classes;
        this.registerOutputs({ names: Object.keys(classes) });
    }
}
