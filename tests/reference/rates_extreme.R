# Reference p-values for tests/test_extreme_counts.py::test_exact_conditional_pvalue_at_huge_counts.
# poisson.test(c(x1, x2), c(1, 1)) is binom.test(x1, x1 + x2, 1/2), whose two-sided p-value
# builds dbinom over ceiling(m):n, a vector of length n (7450 Gb at n = 2e12); this applies
# the same rule (outcomes with dbinom <= d * (1 + 1e-7)) with R's dbinom and pbinom and a
# bisection for the cut-off, checked against binom.test itself at small n. Run:
#   Rscript tests/reference/rates_extreme.R
options(digits = 15)
# R's binom.test two-sided rule, with the sum over the far tail done by pbinom and the cut-off
# found by bisection on dbinom (monotone beyond the mode) instead of a vector of length n
binom_two_sided <- function(x, n, p, relErr = 1 + 1e-07) {
  d <- dbinom(x, n, p); m <- n * p
  if (x == m) return(1)
  if (x < m) {
    lo <- ceiling(m) - 1; hi <- n + 1           # dbinom(lo) > d*relErr >= dbinom(hi)
    while (hi - lo > 1) { mid <- floor((lo + hi) / 2); if (dbinom(mid, n, p) <= d * relErr) hi <- mid else lo <- mid }
    min(1, pbinom(x, n, p) + pbinom(hi - 1, n, p, lower.tail = FALSE))
  } else {
    lo <- -1; hi <- floor(m) + 1                # dbinom(lo) <= d*relErr < dbinom(hi)
    while (hi - lo > 1) { mid <- floor((lo + hi) / 2); if (dbinom(mid, n, p) <= d * relErr) lo <- mid else hi <- mid }
    min(1, pbinom(lo, n, p) + pbinom(x - 1, n, p, lower.tail = FALSE))
  }
}
print(binom_two_sided(1e12+1e6, 2e12+1e6, 0.5))
print(binom_two_sided(1e13+3e6, 2e13+3e6, 0.5))
print(binom.test(60, 200, 0.4)$p.value); print(binom_two_sided(60, 200, 0.4))
print(binom.test(95, 200, 0.4)$p.value); print(binom_two_sided(95, 200, 0.4))
