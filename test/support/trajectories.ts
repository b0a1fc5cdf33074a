/** Replay trajectories worked by hand, shared by the spot and pricing tests. */
import type { Trajectory } from "../../forecast/simulator";

/**
 * 10 ticks of 60 s (t = 0 .. 540), 4 pods all ready, floor 2: 2 spot pods a tick, 1/30 spot
 * pod-hour a tick. The load needs 3 pods, 3.5 at t = 240 and 360, 2.5 at t = 300. The oracle's
 * pod-ticks are given: 30.
 */
export function tenTicks(replicas = [4, 4, 4, 4, 4, 4, 4, 4, 4, 4]): Trajectory {
    return {
        time: Float64Array.from({ length: 10 }, (_, k) => 60 * k),
        replicas: Int32Array.from(replicas),
        ready: Int32Array.from(replicas),
        need: Float64Array.from([3, 3, 3, 3, 3.5, 2.5, 3.5, 3, 3, 3]),
        oracleTicks: 30,
    };
}
