/** The HPA annotations the forecasting step writes (`npm run forecast`). */
export const FORECAST = {
    generatedAt: "sysmanage.io/forecast-generated-at",
    dataEnd: "sysmanage.io/forecast-data-end",
    model: "sysmanage.io/forecast-model",
    inputsHash: "sysmanage.io/forecast-inputs-hash",
    previousBounds: "sysmanage.io/forecast-previous-bounds",
    acknowledged: "sysmanage.io/forecast-change-acknowledged",
} as const;

/** True when an HPA carries any forecast annotation (a forecast is configured for it). */
export const hasForecast = (annotations: Record<string, string>): boolean =>
    Object.keys(annotations).some((k) => k.startsWith("sysmanage.io/forecast-"));

/** A strict ISO 8601 date-time with a zone (`2026-11-20T00:00:00Z`); NaN otherwise. */
export function parseIsoTime(v: string | undefined): number {
    if (v === undefined || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) return NaN;
    return Date.parse(v);
}
