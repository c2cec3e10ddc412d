/**
 * Chi-square quantile: the gate threshold γ such that a measurement from the track falls inside
 * the gate with probability p, for an m-dimensional innovation.
 */
export function chi2Quantile(p: number, m: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability must be in (0, 1), got ${p}`);
  if (m === 2) return -2 * Math.log(1 - p);
  // Bisection on the regularised lower incomplete gamma P(m/2, x/2): monotone, so robust.
  let lo = 0, hi = Math.max(10, 10 * m);
  while (chi2Cdf(hi, m) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (chi2Cdf(mid, m) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Chi-square CDF with m degrees of freedom. */
export function chi2Cdf(x: number, m: number): number {
  if (x <= 0) return 0;
  return lowerGammaRegularised(m / 2, x / 2);
}

/** P(a, x) by its series (x < a + 1) or continued fraction (Numerical Recipes' split). */
function lowerGammaRegularised(a: number, x: number): number {
  const lnPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a, term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return sum * Math.exp(lnPrefix);
  }
  // Lentz's continued fraction for Q(a, x).
  let b = x + 1 - a, c = 1e300, d = 1 / b, h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return 1 - Math.exp(lnPrefix) * h;
}

/** Lanczos approximation of ln Γ(a), a > 0. */
function logGamma(a: number): number {
  const g = 7;
  const coef = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (a < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * a)) - logGamma(1 - a);
  a -= 1;
  let x = coef[0];
  for (let i = 1; i < g + 2; i++) x += coef[i] / (a + i);
  const t = a + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (a + 0.5) * Math.log(t) - t + Math.log(x);
}
