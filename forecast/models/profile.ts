/**
 * A fast multi-seasonal decomposition (our own, not MSTL): level × day-of-week factor × hour
 * shape. The level is the mean of the last week's daily means, the day-of-week factor the mean
 * of that weekday's daily means over the history ÷ the overall mean, the hour shape the mean of
 * (value ÷ its day's mean) per hour, half from all days and half from the same weekday. Linear
 * in the history length, so it fits the in-process budget where MSTL (tens of ms a fit) does not.
 * Additive (level + effects) when a day's mean is not positive.
 */
import type { Model } from "./common";

export const profileModel: Model = {
    name: "profile",
    minPoints: (period) => 2 * period,
    forecast(y, h, period) {
        const days = Math.floor(y.length / period);
        const off = y.length - days * period; // use whole days ending at the last point
        const dm = new Float64Array(days);
        for (let d = 0; d < days; d++) {
            let s = 0;
            for (let i = 0; i < period; i++) s += y[off + d * period + i];
            dm[d] = s / period;
        }
        const mul = dm.every((x) => x > 0);
        const weekly = days >= 14;
        const dowOf = (d: number) => (((d - days) % 7) + 7) % 7; // weekday class relative to the first forecast day
        const lastWeek = Math.min(7, days);
        let level = 0;
        for (let d = days - lastWeek; d < days; d++) level += dm[d];
        level /= lastWeek;
        let all = 0;
        for (let d = 0; d < days; d++) all += dm[d];
        all /= days;
        const dowF = new Float64Array(7).fill(mul ? 1 : 0);
        const shapeAll = new Float64Array(period);
        const shapeDow = Array.from({ length: 7 }, () => new Float64Array(period));
        const cntDow = new Float64Array(7);
        if (weekly) {
            const sum = new Float64Array(7);
            const cnt = new Float64Array(7);
            for (let d = 0; d < days; d++) {
                sum[dowOf(d)] += dm[d];
                cnt[dowOf(d)]++;
            }
            for (let j = 0; j < 7; j++) if (cnt[j]) dowF[j] = mul ? sum[j] / cnt[j] / all : sum[j] / cnt[j] - all;
        }
        for (let d = 0; d < days; d++) {
            const j = dowOf(d);
            cntDow[j]++;
            for (let i = 0; i < period; i++) {
                const x = y[off + d * period + i];
                const r = mul ? x / dm[d] : x - dm[d];
                shapeAll[i] += r / days;
                shapeDow[j][i] += r;
            }
        }
        const point = new Float64Array(h);
        for (let k = 0; k < h; k++) {
            const i = k % period; // the forecast starts a new day of the grid
            const d = days + Math.floor(k / period);
            const j = dowOf(d);
            const sh = weekly && cntDow[j] ? 0.5 * shapeAll[i] + (0.5 * shapeDow[j][i]) / cntDow[j] : shapeAll[i];
            point[k] = mul ? level * dowF[j] * sh : level + dowF[j] + sh;
        }
        return { point, detail: `profile(${mul ? "mul" : "add"}, ${weekly ? "daily+weekly" : "daily"})` };
    },
};
