/** Small numeric helpers over typed arrays that skip NaN. */

/** Finite values of `xs`, as a new array. */
export function finite(xs: ArrayLike<number>): number[] {
    const out: number[] = [];
    for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i])) out.push(xs[i]);
    return out;
}

/** Quantile with linear interpolation (type 7), ignoring NaN; NaN when nothing is finite. */
export function quantile(xs: ArrayLike<number>, q: number): number {
    const s = finite(xs).sort((a, b) => a - b);
    return quantileSorted(s, q);
}

export function quantileSorted(s: readonly number[], q: number): number {
    if (s.length === 0) return NaN;
    const pos = (s.length - 1) * Math.min(1, Math.max(0, q));
    const lo = Math.floor(pos);
    const hi = Math.min(s.length - 1, lo + 1);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export function mean(xs: ArrayLike<number>): number {
    let s = 0;
    let n = 0;
    for (let i = 0; i < xs.length; i++) {
        const x = xs[i];
        if (Number.isFinite(x)) {
            s += x;
            n++;
        }
    }
    return n === 0 ? NaN : s / n;
}

export function max(xs: ArrayLike<number>): number {
    let m = -Infinity;
    for (let i = 0; i < xs.length; i++) if (xs[i] > m) m = xs[i];
    return m === -Infinity ? NaN : m;
}

/** Mean absolute error over positions where both are finite. */
export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
    let s = 0;
    let n = 0;
    for (let i = 0; i < actual.length; i++) {
        const d = actual[i] - predicted[i];
        if (Number.isFinite(d)) {
            s += Math.abs(d);
            n++;
        }
    }
    return n === 0 ? NaN : s / n;
}

/** In-sample mean absolute seasonal difference |y[t] − y[t−m]|: the MASE scale. */
export function seasonalNaiveScale(y: ArrayLike<number>, m: number): number {
    let s = 0;
    let n = 0;
    for (let i = m; i < y.length; i++) {
        const d = y[i] - y[i - m];
        if (Number.isFinite(d)) {
            s += Math.abs(d);
            n++;
        }
    }
    return n === 0 ? NaN : s / n;
}
