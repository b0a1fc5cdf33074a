/**
 * The level model: tomorrow stays at the level of the last few hours (the mean of the last
 * eighth of a day). It has no season, so a backtest picks it only where the load has none and
 * moves in steps (a CPU series after a migration, a level shift): there the seasonal models
 * keep repeating yesterday's level for a day.
 */
import type { Model } from "./common";

export const levelModel: Model = {
    name: "level",
    minPoints: (period) => Math.max(1, Math.ceil(period / 8)),
    forecast: (y, h, period) => {
        const k = Math.max(1, Math.ceil(period / 8));
        let s = 0;
        for (let i = y.length - k; i < y.length; i++) s += y[i];
        const level = s / k;
        return { point: new Float64Array(h).fill(level), detail: `level(mean of the last ${k} points)` };
    },
};
