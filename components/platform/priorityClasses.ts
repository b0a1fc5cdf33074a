import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { priorityClasses } from "../../lib/priorityClasses";

/** The stack's PriorityClasses (lib/priorityClasses.ts): data tier, API, workers, batch. */
export class PriorityClasses extends pulumi.ComponentResource {
    /** The classes by name, for resources that must wait for them. */
    public readonly classes: Readonly<Record<string, k8s.scheduling.v1.PriorityClass>>;

    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:platform:PriorityClasses", name, {}, opts);
        const classes: Record<string, k8s.scheduling.v1.PriorityClass> = {};
        for (const { tier, ...manifest } of priorityClasses()) {
            classes[manifest.metadata.name] = new k8s.scheduling.v1.PriorityClass(`${name}-${tier}`, manifest, { parent: this });
        }
        this.classes = classes;
        this.registerOutputs({ names: Object.keys(classes) });
    }
}
