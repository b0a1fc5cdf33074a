/** Small numeric helpers: statistics over typed arrays that skip NaN, and the seed's degree-2 least squares. */

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

/**
 * The k-th smallest (0-based) of `a`, which has no NaN: the value `a.slice().sort()[k]` holds, in
 * linear time, as the typed array's own sort would order them (a signed zero may come out as
 * the other zero). Reorders `a` in place. Hoare's selection with a median-of-three pivot (sampled at
 * the quartiles and the middle): a month of samples is one pass or two instead of a sort.
 */
export function selectKth(a: Float64Array, k: number): number {
    let lo = 0;
    let hi = a.length - 1;
    while (lo < hi) {
        // The values a quarter, a half and three quarters in: a sorted run's one value out of place sits
        // at an end, where the ends' median would take the second smallest and peel one value a pass.
        const q = (hi - lo) >>> 2;
        const x = a[lo + q];
        const y = a[(lo + hi) >>> 1];
        const z = a[hi - q];
        const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
        let i = lo;
        let j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (pivot < a[j]) j--;
            if (i <= j) {
                const t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (j < k) lo = i;
        if (k < i) hi = j;
    }
    return a[k];
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

/** Least-squares polynomial of degree 2 (the seed's PolynomialFeatures(2) + LinearRegression) and its R². */
export function polyFit2(
    x: ArrayLike<number>,
    y: ArrayLike<number>,
): { coef: [number, number, number]; r2: number; predict(x: number): number } {
    const n = x.length;
    // Centre and scale x for a well-conditioned 3×3 system.
    let mx = 0;
    for (let i = 0; i < n; i++) mx += x[i];
    mx /= n || 1;
    let sx = 0;
    for (let i = 0; i < n; i++) sx = Math.max(sx, Math.abs(x[i] - mx));
    sx = sx || 1;
    const S = new Float64Array(5);
    const T = new Float64Array(3);
    for (let i = 0; i < n; i++) {
        const u = (x[i] - mx) / sx;
        let p = 1;
        for (let k = 0; k < 5; k++) {
            S[k] += p;
            if (k < 3) T[k] += p * y[i];
            p *= u;
        }
    }
    const A = [
        [S[0], S[1], S[2], T[0]],
        [S[1], S[2], S[3], T[1]],
        [S[2], S[3], S[4], T[2]],
    ];
    // Gaussian elimination with partial pivoting; a singular system (fewer than 3 distinct x) drops the higher terms.
    for (let c = 0; c < 3; c++) {
        let piv = c;
        for (let r = c + 1; r < 3; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
        [A[c], A[piv]] = [A[piv], A[c]];
        if (Math.abs(A[c][c]) < 1e-12) continue;
        for (let r = 0; r < 3; r++) {
            if (r === c) continue;
            const f = A[r][c] / A[c][c];
            for (let k = c; k < 4; k++) A[r][k] -= f * A[c][k];
        }
    }
    const b = [0, 1, 2].map((c) => (Math.abs(A[c][c]) < 1e-12 ? 0 : A[c][3] / A[c][c]));
    const predict = (xv: number) => {
        const u = (xv - mx) / sx;
        return b[0] + b[1] * u + b[2] * u * u;
    };
    let my = 0;
    for (let i = 0; i < n; i++) my += y[i];
    my /= n || 1;
    let ssr = 0;
    let sst = 0;
    for (let i = 0; i < n; i++) {
        ssr += (y[i] - predict(x[i])) ** 2;
        sst += (y[i] - my) ** 2;
    }
    // Coefficients in the original x: a + b x + c x².
    const c2 = b[2] / (sx * sx);
    const c1 = b[1] / sx - (2 * b[2] * mx) / (sx * sx);
    const c0 = b[0] - (b[1] * mx) / sx + (b[2] * mx * mx) / (sx * sx);
    return { coef: [c0, c1, c2], r2: sst > 0 ? 1 - ssr / sst : 1, predict };
}
