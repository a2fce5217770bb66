# Mid-p limits for a binomial proportion at very large n (the limits are tiny), for
# tests/test_midp.py. Each limit is found by uniroot on the scale of the mean mu = n p (where
# the tolerance is relative), from R's pbinom/dbinom.
# Run from the project root:  Rscript tests/reference/midp_extreme.R
midp <- function(x, n, a = 0.025) {
  lo <- if (x == 0) 0 else uniroot(function(mu) pbinom(x, n, mu / n, lower.tail = FALSE) +
                                     0.5 * dbinom(x, n, mu / n) - a,
                                   c(1e-6, x + 40), tol = 1e-14)$root / n
  hi <- if (x == n) 1 else uniroot(function(mu) pbinom(x - 1, n, mu / n) +
                                     0.5 * dbinom(x, n, mu / n) - a,
                                   c(1e-6, x + 60), tol = 1e-14)$root / n
  c(lo, hi)
}
call <- "uniroot(function(mu) pbinom(x, n, mu/n, lower.tail = FALSE) + 0.5 * dbinom(x, n, mu/n) - 0.025, tol = 1e-14)$root / n; upper: pbinom(x - 1, n, mu/n) + 0.5 * dbinom(x, n, mu/n) - 0.025"
lines <- c()
for (n in c(1e6, 1e9, 1e12)) for (x in c(0, 1, 3, 10)) {
  ci <- midp(x, n)
  lines <- c(lines, sprintf('    {"x": %d, "n": %.0f, "ci_low": %.17g, "ci_high": %.17g}', x, n, ci[1], ci[2]))
}
# Poisson mean: P(X > x) + P(X = x)/2 = 0.025 and P(X < x) + P(X = x)/2 = 0.025, on the
# log scale of mu
pois_midp <- function(x, a = 0.025) {
  f_lo <- function(v) ppois(x, exp(v), lower.tail = FALSE) + 0.5 * dpois(x, exp(v)) - a
  f_hi <- function(v) ppois(x - 1, exp(v)) + 0.5 * dpois(x, exp(v)) - a
  s <- log(x + 1)
  lo <- if (x == 0) 0 else exp(uniroot(f_lo, c(s - 10, s + 1), tol = 1e-15)$root)
  hi <- exp(uniroot(f_hi, c(s - 5, s + 3), tol = 1e-15)$root)
  c(lo, hi)
}
pois_call <- "exp(uniroot(function(v) ppois(x, exp(v), lower.tail = FALSE) + 0.5 * dpois(x, exp(v)) - 0.025, tol = 1e-15)$root); upper: ppois(x - 1, exp(v)) + 0.5 * dpois(x, exp(v)) - 0.025"
plines <- c()
for (x in c(0, 1, 3, 10, 1e4, 1e8, 1e12)) {
  ci <- pois_midp(x)
  plines <- c(plines, sprintf('    {"x": %.0f, "ci_low": %.17g, "ci_high": %.17g}', x, ci[1], ci[2]))
}
writeLines(c("{", '  "generated_by": "Rscript tests/reference/midp_extreme.R",',
             sprintf('  "r_version": "%s",', R.version.string),
             sprintf('  "source": "%s",', gsub('"', '\\\\"', call)),
             '  "cases": [', paste(lines, collapse = ",\n"), "  ],",
             sprintf('  "poisson_source": "%s",', gsub('"', '\\\\"', pois_call)),
             '  "poisson_cases": [', paste(plines, collapse = ",\n"), "  ]", "}"),
           "tests/reference/midp_extreme.json")
