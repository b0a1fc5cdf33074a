/**
 * The behavior's scale limits as Kubernetes' normalizeDesiredReplicasWithBehaviors computes them
 * (issue 20): each expected count worked by hand from the policies, not by the simulator.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { replay, scaleDownLimit, scaleUpLimit, type Rules } from "../../../forecast/simulator";

const rules = (select: Rules["select"], policies: Rules["policies"]): Rules => ({ window: 0, select, policies });

describe("scaleUpLimit", () => {
    const policies = [
        { type: "Pods" as const, value: 4, periodSeconds: 60 },
        { type: "Percent" as const, value: 100, periodSeconds: 60 },
    ];
    const ups = [{ t: 45, n: 4 }];
    test("from the count at the start of the period: 10 now, 4 added within the last 60 s → from 6", () => {
        // At t=100 the scale-up at 45 is within (40, 100]: start 6. Pods: 6 + 4 = 10; Percent: ceil(6 × 2) = 12.
        assert.equal(scaleUpLimit(10, ups, [], rules("Max", policies), 100), 12);
        assert.equal(scaleUpLimit(10, ups, [], rules("Min", policies), 100), 10);
        assert.equal(scaleUpLimit(10, ups, [], rules("Disabled", policies), 100), 10);
    });
    test("a change exactly one period old no longer counts", () => {
        // At t=105 the period is (45, 105]: start 10. Pods 14, Percent 20.
        assert.equal(scaleUpLimit(10, ups, [], rules("Max", policies), 105), 20);
        assert.equal(scaleUpLimit(10, ups, [], rules("Min", policies), 105), 14);
    });
    test("scale-downs within the period raise the start; percent rounds up", () => {
        // 7 now, 2 removed at t=90: start 9. Pods 13; Percent 50 %: ceil(9 × 1.5) = 14.
        const p = [
            { type: "Pods" as const, value: 4, periodSeconds: 60 },
            { type: "Percent" as const, value: 50, periodSeconds: 60 },
        ];
        assert.equal(scaleUpLimit(7, [], [{ t: 90, n: 2 }], rules("Max", p), 100), 14);
        assert.equal(scaleUpLimit(7, [], [{ t: 90, n: 2 }], rules("Min", p), 100), 13);
    });
});

describe("scaleDownLimit", () => {
    const policies = [
        { type: "Pods" as const, value: 3, periodSeconds: 60 },
        { type: "Percent" as const, value: 50, periodSeconds: 60 },
    ];
    test("Max takes the policy that removes the most, Min the fewest, Disabled none", () => {
        // 10 now, 2 removed at t=45: start 12. Pods: 12 − 3 = 9; Percent: floor(12 × 0.5) = 6.
        const downs = [{ t: 45, n: 2 }];
        assert.equal(scaleDownLimit(10, [], downs, rules("Max", policies), 100), 6);
        assert.equal(scaleDownLimit(10, [], downs, rules("Min", policies), 100), 9);
        assert.equal(scaleDownLimit(10, [], downs, rules("Disabled", policies), 100), 10);
    });
    test("scale-ups within the period lower the start; percent rounds down", () => {
        // 10 now, 1 added at t=90 and 2 removed at t=45: start 11. Pods 8; Percent floor(5.5) = 5.
        assert.equal(scaleDownLimit(10, [{ t: 90, n: 1 }], [{ t: 45, n: 2 }], rules("Max", policies), 100), 5);
        assert.equal(scaleDownLimit(10, [{ t: 90, n: 1 }], [{ t: 45, n: 2 }], rules("Min", policies), 100), 8);
        // At t=105 the removal at 45 has left the period: start 9, Pods 6, Percent floor(4.5) = 4.
        assert.equal(scaleDownLimit(10, [{ t: 90, n: 1 }], [{ t: 45, n: 2 }], rules("Max", policies), 105), 4);
    });
});

describe("a behavior the API server would refuse is refused by the replay, naming it", () => {
    const run = (behavior: object) => () =>
        replay({
            start: 0,
            step: 15,
            metrics: [{ name: "rps", load: [1, 2], capacityPerPod: 1, targetUtilization: 1 }],
            bounds: { minReplicas: 1, maxReplicas: 3 },
            behavior,
        });
    test("selectPolicy other than Max, Min or Disabled", () => {
        assert.throws(run({ scaleDown: { selectPolicy: "Fastest" } }), {
            message: 'behavior selectPolicy "Fastest" must be Max, Min or Disabled',
        });
        assert.doesNotThrow(run({ scaleDown: { selectPolicy: "Disabled" }, scaleUp: { selectPolicy: "Min" } }));
    });
    test("a policy value or period that is not positive", () => {
        for (const [value, periodSeconds] of [
            [0, 15],
            [-1, 15],
            [1, 0],
            [1, -15],
        ])
            assert.throws(run({ scaleUp: { policies: [{ type: "Pods", value, periodSeconds }] } }), {
                message: "behavior policy Pods needs value > 0 and periodSeconds > 0",
            });
        assert.doesNotThrow(run({ scaleUp: { policies: [{ type: "Percent", value: 1, periodSeconds: 1 }] } }));
    });
});
