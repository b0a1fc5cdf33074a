// Mutation testing of the pure core (issue 20): `npm run test:mutation` mutates every file below,
// incrementally (only what changed since the committed state file is run again);
// `npm run test:mutation -- --mutate forecast/sizing.ts` one file. How to read the report:
// docs/testing.md#mutation-testing.
//
// Runner: the TAP runner runs each unit test file in its own `node --import tsx` process and
// records which files cover which mutant, so a mutant runs only the files that reach it (the
// command runner would run the whole unit suite, ~20 s, for each of several thousand mutants).
// Equivalent mutants are marked in the source with `// Stryker disable next-line <mutator>: <reason>`
// (left out of the score) where no other mutant of that kind shares the line. Elsewhere a disable
// comment would hide mutants the tests kill too, so these equivalent ones stay in the score as
// survivors:
// - forecast/sizing.ts floorCurve, `if (r <= hi) cnt[...]++` to `r < hi` or `true`: a tick with
//   r >= hi lands at slot F - 1 or above, added to the running sums after the last floor is priced.
// - floorCurve's `add`, `if (i0 > i1) return` made false: a replay at floor lo has ready >= lo, so
//   i0 <= i1 + 1 below slot F (+x and -x on one slot), or both at slot F and above (never read).
// - floorCurve, `for (let k = 0; k < n; k++)` over the needs to `k <= n`: need[n] is undefined,
//   skipped by `!(need > ready + 1e-9)`.
// - forecast/sizing.ts floorCurve, `if (F === 0 || n === 0 || !(tr.oracleTicks > 0))`: `F === 0`
//   or `n === 0` made false, or joined by `&&` (4 mutants): with no floor the loops add nothing
//   and return []; a trajectory without ticks has no oracle pods, caught by the third test.
// - searchFloor, `p.cost < best.cost - 1e-12` to `<=`: differs only for a cost exactly 1e-12 below.
// - searchFloor, `p.floor > best.floor` made true or `>=`: the best itself and the floors below it
//   miss at least as many ticks on the curve, so none is within the target the best misses.
// - searchFloor, `if (atY.underProvisionedFraction > target)` made false: never true (pinned at
//   max, a replay misses only ticks whose need exceeds max, which the curve counts at every floor).
// - proposeBoundsDetailed, `if (min > max) max = min` to `min >= max`: when they are equal, max = min changes nothing.
// - forecast/simulator.ts rules(), `JSON.stringify(r?.selectPolicy)` to `r.selectPolicy`: the message
//   is built only for an invalid selectPolicy, which only a given `r` can have.
// - policies/rules/pgMemoryBounded.ts annotationCount, `if (v === undefined) return {}` made false:
//   an absent annotation then returns `{ bad: JSON.stringify(undefined) }`, i.e. bad undefined, the same as `{}`.
// - pgMemoryBounded, `active.value !== undefined && active.value < pooled` with the first operand
//   true: `undefined < pooled` is false, as the guard makes it.
// - forecast/scheduleFloor.ts closeDips, `w <= 1` to `w < 1`: a window of 1 takes each slot's own value.
// - closeDips, `j < n` to `j <= n`: d[n] (the max of nothing) is never read, slot i reads j <= i < n.
// - previousAt, `i >= 0 && i < p.floors.length` (5 mutants: `true`, `||`, `<=`): an index outside
//   the floors reads undefined, which the condition returns.
// - shapeFloors, `if (p === undefined) return v` made false: clamp(undefined) is NaN, and a NaN
//   floor in force never passes the dead band, so v is returned.
// - priceFloor, `short > 1e-9` to `>=`; argmin, `a(f) < a(best) - 1e-9` to `<=`: differ only at exactly 1e-9.
// - argmin, `f < n` to `f <= n`; hourlyFloors, `f < F` to `f <= F`; hourCells, `b < tr.time.length`
//   (`true`, `<=`): index F of a length-F Float64Array, or past the trajectory, reads undefined
//   (NaN comparisons, an hour that never matches) and writes nothing.
// - hourlyFloors, `floorCurve(cell, lo, lo + F - 1)` to `lo + F + 1`: each floor's cost is priced on
//   its own; only the first F are read.
// - floorRuns, `i === 0 ||` made false: floors[-1] is undefined, so slot 0 starts a run either way.
// - forecast/scheduleStep.ts, `recordEvents: false` to true: the events are never read.
// - scheduleStep, `staticCost > 0 ? ... : 0` (`true`, `>=`): a static cost of 0 means the static
//   floor is the lowest and every tick is free there, so every hour's floor is it ("nothing to schedule").
// - scheduleStep, `gain > SCHEDULE_MARGIN` to `>=`: differs only for a gain of exactly 0.001.
// - lib/floorSchedule.ts piecewiseExpr, `j < values.length` (`true`, `<=`): values[length] is
//   undefined, never equal to a run's value.
// - plan/cost/price.ts floorAt, `n < item.atLeast.length` (`true`, `<=`): atLeast[length] is
//   undefined and `undefined >= x` is false, which ends the loop as the bound does.
// - floorAt, `item.atLeast[n] >= coverage - EPSILON` to `>`: differs only for a share exactly 1e-9 under the coverage.
// - lib/sharding/hash.ts bucketOf, `update(key, "utf8")` to `""`: an empty encoding is Node's default, UTF-8.
// - lib/sharding/map.ts rebalance, `if (counts.has(o))` made true: counts of shards outside the new
//   list are never read (the shares go to the listed shards).
// - sameAssignment, `r.to === b[i].to` made true: a sound map covers 0..buckets with contiguous
//   ranges (the plan refuses an unsound deployed map first), so equal counts and starts imply equal ends.
// - sameAssignment, `a.length === b.length` or `r.from === b[i].from` made true: both maps are sound (contiguous
//   ranges from 0 to buckets), so equal ends imply equal starts and equal counts.
// - rebalance's sort tie-breaker `shards.indexOf(a) - shards.indexOf(b)` to `+`: V8's stable sort compares each
//   element with those before it, so a tie is asked with a later `a`, where both are positive (a few shards only).
// - bucketMoves `k < a.length` to `<=` (a[length] and b[length] are both undefined, skipped as equal);
//   `new Array(a.length)` to `new Array()` there and in ownersOf (a sparse array reads undefined where the
//   sized one holds it, and the ranges of undefined owners are dropped; a sound map sets every bucket);
//   toRanges `last.to === k` made true (k counts up from 0, so the last range always ends at k).
// - lib/sharding/nextMap.ts nextShardMap, `if (next.version === prev.version) return prev` made
//   false: rebalance returns `prev` itself then, which moves nothing and adds no shard, so it is returned.
// - forecast/simulator.ts constructor, fixed bounds' `from: -Infinity` to `+Infinity`: a single segment's
//   `from` is never read (boundsAt and quietSpan read the next segment's).
// - propose, `syncEvery === 1 ? loads[i][bucket] : syncLoad(i, k)` made false: with syncEvery 1 syncLoad
//   reads the same bucket.
// - propose, `if (r > proposal)` to `>=`: assigns the same value.
// - propose, `proposal < 0 ? current : proposal` made false: -1 (every metric missing) is never used: the
//   sync keeps the count, the constructor's max(minReplicas, -1) is max(minReplicas, 0), -1 > max is 0 > max.
// - quietSpan, `rec > current && current === b.maxReplicas` to `rec >= current`: rec === current is the first case.
// - quietSpan, `if (until !== Infinity)` made true: min(last, Infinity) is last.
// - quietSpan, `if (last <= k)` to `<`: at last === k the span is 1 either way (the newest entries retimed
//   to their own time).
// - limited, `rec > current` to `>=`, and `rec < current` made true or `<=` (3 mutants): at rec === current
//   both branches return current (the sync has put current within the bounds before).
// - scale, `desired > current` to `>=`: scale is called only when desired !== current.
// - scale, `this.downs.filter((e) => e.t > since)` left out or `>=`: pruning only; changeInPeriod counts
//   e.t > now - period, and since = t - maxPeriod is never later than that.
// - score, `o > oracle`, `need > needMax`, `need - ready > short` to `>=`: assign the same value.
// - score, `need > ready + 1e-9` to `>=`: differs only for a need exactly 1e-9 above ready.
// - RecommendationWindow.push, `key[...] >= k` to `>`: an equal older entry kept behind the new one changes
//   neither the window's lowest nor holdsUntil's newest entry at or short of the count.
// - RecommendationWindow.holdsUntil, the guard `j + 1 < this.len` made true, `<=` or `j - 1 < this.len` (3
//   mutants): quietSpan calls it right after pushing a proposal beyond the count, the back entry, whose
//   key test stops the loop before the guard would.
// - HpaReplay, `ups`/`downs` starting as `["Stryker was here"]`: a string's `t` is undefined, never counted
//   by changeInPeriod (undefined > x is false) and pruned at the first scale.
// - score, the trajectory's `j < span` to `<=`: the extra entry at index ticks is the next scored tick's
//   (overwritten) or past the subarray the result keeps.
// - loop, `this.seg + 1 < segments.length ? this.boundsAt(t) : segments[this.seg]` made true or `<=`:
//   boundsAt returns the segment in force unchanged when no next one starts.
// - syncLoad, `if (this.syncEvery === 1)` made false: propose calls syncLoad only when syncEvery > 1.
// - policies/rules/wlPriorityOrder.ts tieredPods, `?? ""` to another string: COMPONENT_TIER has a key for
//   neither, a pod without the component label has no tier either way.
// - checkOrder, `h !== undefined && l !== undefined && h <= l`: the guard made true, `||`, or either
//   operand true (4 mutants): `undefined <= n` and `n <= undefined` are false, as the guard makes them.
// - checkOrder, `op !== undefined && batch !== undefined && op >= batch` (the same 4 mutants): `>=` with
//   undefined is false.
// - plan/dataTier.ts readAnyInstance, `pools.find((p) => p.pooler === read.name)` made true or `!==`: one
//   sizePools call gives every pooler of its target the same pool, so the write pooler's is the read one's.
// - forecast/models/select.ts bandPeak, `f.peakUpper !== undefined &&` made true: Number.isFinite(undefined) is false.
// - peakUpper, `fmax > 0 && Number.isFinite(amax)`: the second operand made true, or `fmax >= 0`: a day
//   with nothing observed (amax -Infinity) or a forecast max of 0 gives a ratio of -Infinity, +-Infinity
//   or NaN, which ratioBound drops (positive and finite only).
// - band, `k < point.length` to `<=`: upper[length] of a Float64Array is never written.
// - forecast/models/common.ts fillGaps (the passes over a Float64Array, where reading past the end
//   gives undefined, never finite, and writing there is dropped): `missing++` to `missing--` and the
//   early return `missing === 0 || missing === n` made false (3 mutants): the early return is a
//   shortcut, the passes change nothing when there is no gap or nothing finite; `i < n` to `i <= n`
//   in the period-earlier and the nearest-before passes; the period-later pass starting at
//   `n - 1 + period` or `n + 1 - period` (those indices have nothing a period later); the
//   nearest-before pass's `else if (Number.isFinite(last))` made true (it writes NaN over NaN).
// - forecast/models/holtWinters.ts: `k < h` to `<=` in forecastFrom and `i < f.length` to `<=` in
//   the model's forecast (index h of a length-h Float64Array); the origin check `oi < origins.length`
//   made true or `<=` (origins[length] is undefined, never t); the weekly period's `[]` to
//   `["Stryker was here"]` (the filter's `n >= "Stryker was here" + 2p` is false); the tuner's
//   `j < at[k].length` to `<=` (y - undefined is NaN, not scored); the tuning cache's `if (!m)` and
//   `if (!p)` made true (a cache only: the tuning is deterministic).
// - forecast/models/profile.ts: `d < days` to `<=` in the day means, `i < period` to `<=` in the hour
//   shapes and `k < h` to `<=` in the forecast (writes past a Float64Array's end are dropped);
//   dowOf's `d - days` to `d + days` (the weekday classes are d mod 7 shifted by a constant either
//   way: the same partition of days); `j < 7` to `<=` and `if (cnt[j])` made true in the weekday
//   factors (cnt[7] is undefined; with 14 days or more every class has at least two days).
// - forecast/models/seasonalNaive.ts: `i < h` to `<=` (f[h] of a length-h Float64Array).
// - forecast/models/select.ts winsorize: `h < period`, `i < y.length` (twice) to `<=` (caps[period]
//   is dropped, undefined is no value, `!(undefined > cap)` skips); `y[i] > cap` to `>=` (a point at
//   its cap is set to it); the window's `y.length - 1` to `+ 1` (undefined neighbours are skipped).
//   medianOf, `k < h` to `<=` (out[h] is dropped). forecastDefault: `!Number.isFinite(y[0])` made false
//   (no candidate then has a finite backtest error: the same fallback); `y.length < minPoints + period`
//   made false (dailyOrigins then gives no origin: dropped); `bt.origins.length > 0` made true or `>=`
//   (no origin gives a NaN error: dropped); `fits.length === 1` made false (the median of one forecast
//   is that forecast). flatFallback: `i < raw.length`, `i < y.length`, `i < recent.length` to `<=`
//   (undefined is not finite). peakFactor: `per <= 1` made false or `<` (a bucket of one point has a
//   ratio of 1, or is skipped at 0: the factor is 1 either way); `x > mx` to `>=` (the same maximum).
// - forecast/ingest.ts, its fast paths (each gives what the general path gives, and the tests compare
//   the two, so a mutant that only turns a fast path off, or on where it then gives up, is
//   equivalent): parseSeriesBytes: its condition made false, `(opts.fastJson ?? true) &&
//   isUtf8(bytes)` made true, `?? true` to `&& true` or `?? false`, `"json"` to `""`, its block
//   emptied (the text path reads the same series or error, invalid UTF-8 as U+FFFD both ways),
//   `... ? 3 : 0` made false (the scanner gives up on a byte-order mark, the text path skips it),
//   `doc !== undefined` made false; parseQueryRange `doc === undefined` made true (JSON.parse reads
//   what the scanner read); sampleValue's `fast === fast && fast !== 0` made false (Number(s.trim())
//   reads the same); normalize's clean-export test made false, ordering's `t[i] <= t[i - 1]` made
//   true or `t[i + 1]`, `{ sorted: false, strictly }` to `{}` (the repair path gives the same
//   series, notes and warnings); detectStep's shortcut for one spacing
//   that is more than half of them (its count's loop `i < n` made false, `<=` or `>=`, `d[i] ===
//   d[0]` made false, `same--`, `same * 2 > n` made false or `same / 2`): the sort finds that median.
// - ingest.ts detectFormat `i < text.length` to `<=`: past the end is not blank, so "csv", as after
//   the loop. lineCol `i < text.length` made true or `<=`: no error position is past the end.
// - ingest.ts JsonScanner: `if (this.i >= text.length) return this.fail("")` in value() and
//   `if (this.i >= n) return this.fail("")` in afterValue() made false or `>` (at the end the
//   branches below fail too, and fail() says "unexpected end of input" whatever the reason); str()'s
//   `this.i < text.length` to `<=` (one more step past the end, then the same failure at the end);
//   the `\u` escape's `/^[0-9a-fA-F]{4}$/` without `^` or `$` (the slice has at most 4 characters);
//   `e !== undefined &&` made true (`'"\\/bfnrt'.includes(undefined)` is false).
// - parseQueryRange `e ? lineCol(text, e.pos) : "JSON"`'s `"JSON"`, and `"not parsable"`:
//   jsonSyntaxError finds an error in every text JSON.parse refuses.
// - parseTimestamp `if (fast !== undefined) return fast` made false (the pattern reads the same
//   time), and in fastTimestamp (and its d2) every change that only makes it return undefined more
//   often, falling back to that pattern, or recompute the cached day; `m[8] !== "Z"` made true ("Z"
//   has no digits: an offset of 0).
// - queryRangeRaws `typeof doc.status === "string" &&` and `typeof data.resultType === "string" &&`
//   made true: KNOWN_STATUS and KNOWN_RESULT_TYPES hold strings only, which includes() matches exactly.
// - queryRangeRaws `typeof ts !== "number" ||` made false: Number.isFinite is false for anything but a number.
// - parseCsv: the byte-order-mark skip made false (trim() and \S treat U+FEFF as blank, and the
//   HTML position counts it either way); `pos <= text.length` to `<` (the line starting at the very
//   end is empty, skipped); `"timestamp"` to `""` (the header's first name is never read).
// - queryRangeRaws `j < tt.length`, detectStep `i < n`, ordering `i < t.length`, dedupe `i < n0`,
//   counterRates `i < m`, checkedStep `i < T.length`, toGrid `i < n0` and `b < n`, all to `<=`: past
//   the end reads undefined (no timestamp problem, a NaN spacing, never counted or finite) and
//   writes past a Float64Array are dropped.
// - dedupe: the sort's tie-breaker `a - b` to `a + b` (V8's sort is stable and only asks `< 0`: ties
//   keep their order either way); `n > 0` made true or `>=` (t[-1] is undefined, never a time);
//   `!(firstConflict <= ts)` to `<` (the times come sorted, one conflict per time).
// - checkedStep `T.length >= 3` made true: two points have one spacing, which is the step.
// - toGrid `if (b < 0 || b >= n) continue` made false, `&&`, either operand false, `b > n` (5
//   mutants): a point outside the grid reads and writes past the Float64Arrays, which does nothing.
// - parseSelector `if (body)` made true: an empty body has no label, the loop reads none.
// - ingest.ts splitCsvLine's shortcut for a line without quotes made false, `'"'` to `""` or its block emptied:
//   the quote-aware loop splits such a line at every comma and trims each cell the same.
// - forecast/capacityPlanner.ts forecastMetric, the hours-since-first loop `i < n` to `<=`: x[n] of a length-n Float64Array
//   is dropped (the `>=` mutant on that line is killed).
// - forecast/stats.ts quantileSorted, `if (s.length === 0) return NaN` made false: s[lo] and s[hi] of an
//   empty array are undefined (index -1 or 0), NaN either way.
// - stats.ts mean, mae, seasonalNaiveScale, `n === 0 ? NaN : s / n` made false: s is 0 when n is, 0 / 0 is NaN.
// - selectKth, `while (lo < hi)` to `<=`: the extra pass at lo === hi swaps a[lo] with itself and leaves lo > hi.
// - selectKth's median of three, the five `<` to `<=`: on a tie either branch takes an equal value, the same
//   pivot. `: x < z ? z` to `>=` or made true or false, `: x < z ? x` made false, `: y < z ? z : y` made true:
//   another of the three samples, any value of the range is a valid Hoare pivot (the same k-th), only the
//   number of passes changes, and none of the tested shapes (sorted, organ pipes, rotated...) makes it quadratic.
// - polyFit2, `k < 5` to `<=`, `k < 3` to `<=` or made true: S[5], T[3], T[4] are past the Float64Arrays' ends,
//   writes dropped. `k < 4` to `<=` in the elimination: A[r][4] is never read.
// - polyFit2's partial pivoting, `r < 3` made false, `Math.abs(A[r][c]) > Math.abs(A[piv][c])` to `>=` or
//   made false: the normal matrix of the scaled basis (|u| <= 1) is symmetric positive semi-definite, where
//   elimination without row exchanges reaches the same solution (a zero diagonal has a zero row and column);
//   only rounding differs. `Math.abs(A[c][c]) < 1e-12` to `<=` (twice): differs only at exactly 1e-12.
// - policies/rules/placeDataNotOnSpot.ts kinds, `DATA_KINDS[kind] !== undefined` made true: another kind
//   then tests `apiVersion.startsWith(undefined)` (the prefix "undefined"), and even a group spelled so
//   reaches dataTierPlacements, which has no pods for a kind but Cluster, Pooler and RedisCluster.
// - policies/rules/placeSpotHasOnDemandFloor.ts checkFloor, `n !== undefined` made true: n is undefined
//   only when the floor's replicas are unknown, and `undefined < cfg.minFloorReplicas` is false as well.
// - policies/rules/hpaMinReplicasHa.ts, `cfg.workingHoursFloor && inHours > declared` to `>=`: when they are
//   equal, min takes the same value either way.
// - policies/rules/shardMapBucketsOnce.ts, `!Array.isArray(map?.ranges)` to `map.ranges`: read only when
//   map?.shards is an array, so map is an object there.
/* global process */
/** The unit test files Stryker runs (each in its own process). */
export const UNIT_TEST_FILES = "test/unit/{forecast,lib,plan,policies,components,admission,config}/**/*.test.ts";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
    testRunner: "tap",
    tap: {
        // `npm run test:mutation:changed` (tools/mutation/changed.ts) passes only the unit test
        // files whose imports reach the mutated files: the initial run then skips the others.
        testFiles: process.env.STRYKER_TEST_FILES?.split(",") ?? [UNIT_TEST_FILES],
        nodeArgs: ["--import", "tsx", "--test-reporter=tap", "-r", "{{hookFile}}", "{{testFile}}"],
    },
    coverageAnalysis: "perTest",
    // The machine has two cores shared with other work; one mutant at a time.
    concurrency: 1,
    mutate: [
        "forecast/sizing.ts",
        "forecast/simulator.ts",
        // The floor schedule's derivation (issue 16): scheduleFloor, scheduleStep, scheduleWorkload.
        "forecast/schedule*.ts",
        "forecast/models/*.ts",
        "forecast/ingest.ts",
        "forecast/dataTier.ts",
        "plan/dataTier.ts",
        // Placement and cost (issue 17): the cost model, the node placement, the overprovisioning.
        "plan/cost/*.ts",
        "plan/placement.ts",
        "plan/overprovision.ts",
        "lib/**/*.ts",
        "policies/rules/*.ts",
        "!policies/rules/index.ts",
    ],
    incremental: true,
    incrementalFile: "reports/stryker-incremental.json",
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: "reports/mutation/mutation.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    ignorePatterns: ["out", "exports/**/*.png", ".stryker-tmp"],
    tempDirName: ".stryker-tmp",
    cleanTempDir: true,
    thresholds: { high: 95, low: 90, break: null },
    timeoutMS: 10000,
    // The initial run starts every unit test file in its own process: over Stryker's default of
    // 5 minutes on two cores shared with other work.
    dryRunTimeoutMinutes: 20,
};
