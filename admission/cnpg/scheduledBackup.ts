/**
 * The ScheduledBackup validating webhook of cloudnative-pg v1.30.0
 * (internal/webhook/v1/scheduledbackup_webhook.go). Left out: `method: volumeSnapshot` is refused
 * when the operator found no VolumeSnapshot CRD at start-up (line 151), which only the live
 * cluster knows.
 */
import type { Manifest } from "../types";
import { robfigCronError } from "./cron";
import { type Finding, type Obj, rec, type Rule, SCHEDULED_WH, src, str } from "./util";

export interface ScheduledBackupView {
    readonly spec: Obj;
}

export const viewScheduledBackup = (o: Manifest): ScheduledBackupView => ({ spec: rec(o.spec) });

type R = Rule<ScheduledBackupView>;
const f = (path: string, message: string): Finding => ({ path, message });

const schedule: R = {
    id: "cnpg/scheduledbackup-schedule",
    description: "spec.schedule parses with robfig/cron v1: six fields, seconds first (`0 0 3 * * *` is 03:00 daily), or a descriptor",
    source: src(SCHEDULED_WH, 138),
    fix: "write the schedule with a leading seconds field, e.g. `0 0 3 * * *` for 03:00 every day",
    check: (v) => {
        const s = str(v.spec.schedule);
        const err = robfigCronError(s);
        return err ? [f("spec.schedule", `${s}: ${err}`)] : [];
    },
};

const online: R = {
    id: "cnpg/scheduledbackup-online",
    description: "online and onlineConfiguration only with method volumeSnapshot",
    source: src(SCHEDULED_WH, 162),
    fix: "drop online/onlineConfiguration, or use method volumeSnapshot",
    check: (v) => {
        if ((str(v.spec.method) || "barmanObjectStore") !== "barmanObjectStore") return []; // CRD default
        const out: Finding[] = [];
        if (v.spec.online !== undefined && v.spec.online !== null)
            out.push(f("spec.online", "Online parameter can be specified only if the method is volumeSnapshot"));
        if (v.spec.onlineConfiguration !== undefined && v.spec.onlineConfiguration !== null)
            out.push(f("spec.onlineConfiguration", "OnlineConfiguration parameter can be specified only if the method is volumeSnapshot"));
        return out;
    },
};

/** The ScheduledBackup rules. */
export const SCHEDULED_BACKUP_RULES: readonly R[] = [schedule, online];
