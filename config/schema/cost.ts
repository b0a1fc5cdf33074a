/**
 * The cost model (issue 17): what a vCPU and a GiB of requests cost per hour on each kind of
 * capacity, in one currency. The render summary, the forecast report and the `cost` output price
 * the stack's declared requests with it (plan/cost/). No network look-ups: the defaults are an
 * example from one provider's public list prices, to be replaced by the prices the team pays.
 */
import { z } from "zod";
import { grammar } from "../primitives";

/** ISO 4217 codes as the runtime's ICU data knows them (Node 22 ships full ICU). */
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

const currencyError = (v: string) =>
    CURRENCIES.has(v) ? undefined : "must be an ISO 4217 currency code in capitals, such as USD, EUR or GBP";

/** A price per hour: positive and finite (zod refuses Infinity and NaN). */
const hourly = (d: number, what: string) => z.number().positive().max(1000).default(d).describe(what);

/**
 * The example prices (per vCPU-hour and GiB-hour of requests), the one home of the defaults: the
 * stack config's, and the forecast benchmark's (forecast/replayPrice.ts). Google Compute Engine's
 * N2 predefined prices in us-central1; spot is on-demand less 70 %, a typical spot discount.
 */
export const EXAMPLE_PRICES = {
    onDemand: { vcpuHour: 0.031611, gibHour: 0.004237 },
    spot: { vcpuHour: 0.009483, gibHour: 0.001271 },
    reserved: { vcpuHour: 0.019915, gibHour: 0.002669 },
} as const;

/**
 * One kind of capacity's prices. The defaults are Google Compute Engine's N2 predefined prices in
 * us-central1 as published on its VM pricing page in 2024 (vCPU 0.031611, memory 0.004237 per
 * GiB-hour on demand; the 1-year committed-use price 37 % below), a general-purpose family
 * priced per vCPU and per GiB, so no split of an instance price is needed.
 */
const capacity = (kind: string, vcpu: number, gib: number, source: string) =>
    z
        .strictObject({
            vcpuHour: hourly(vcpu, `Price of one vCPU of requests for one hour on ${kind} capacity (${source}).`),
            gibHour: hourly(gib, `Price of one GiB of memory requests for one hour on ${kind} capacity (${source}).`),
        })
        .prefault({})
        .describe(`Prices of ${kind} capacity.`);

/** `cost`: the prices the stack's requests are priced at, and how the reserved floor is chosen. */
export const cost = z
    .strictObject({
        currency: grammar(currencyError)
            .default("USD")
            .describe("ISO 4217 code of the currency the prices are in (the summary and the report show it)."),
        prices: z
            .strictObject({
                onDemand: capacity(
                    "on-demand",
                    EXAMPLE_PRICES.onDemand.vcpuHour,
                    EXAMPLE_PRICES.onDemand.gibHour,
                    "example: GCE N2 on-demand, us-central1, list price 2024",
                ),
                spot: capacity(
                    "spot",
                    EXAMPLE_PRICES.spot.vcpuHour,
                    EXAMPLE_PRICES.spot.gibHour,
                    "example: the on-demand example less 70 %, a typical spot discount; spot prices move",
                ),
                reserved: capacity(
                    "reserved (committed)",
                    EXAMPLE_PRICES.reserved.vcpuHour,
                    EXAMPLE_PRICES.reserved.gibHour,
                    "example: GCE N2 1-year committed use, us-central1, list price 2024, the effective hourly price of the commitment",
                ),
            })
            .prefault({})
            .describe("Prices per vCPU-hour and GiB-hour of requests, by kind of capacity (spot and reserved at most on-demand)."),
        hoursPerMonth: z
            .number()
            .int({ message: "must be an integer" })
            .min(672)
            .max(744)
            .default(730)
            .describe("Hours in a month for the monthly figures (730 = 8760 / 12; 672 to 744, the shortest and longest month)."),
        reserved: z
            .strictObject({
                coverage: z
                    .number()
                    .positive()
                    .max(1)
                    .default(0.9)
                    .describe(
                        "Share of the hours the recommended reserved floor must be busy: the floor is the most replicas the forecast's replay runs at least this share of the time.",
                    ),
            })
            .prefault({})
            .describe("The reserved-capacity recommendation of the forecast report."),
    })
    .prefault({})
    .describe("Cost model: prices per vCPU-hour and GiB-hour of requests (on-demand, spot, reserved), currency, hours per month.");
