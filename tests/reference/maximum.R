# Reference values for conflictstats.rates.mean_from_maximum / maximum_cdf.
# R 4.x base only:  Rscript tests/reference/maximum.R > tests/reference/maximum.json
# P(M <= k) = F(k)^n, F Poisson (phi = 1) or NB2 with size = mu / (phi - 1) (pnbinom(mu =)).
f <- function(mu, k, n, phi) (if (phi == 1) ppois(k, mu) else pnbinom(k, size = mu / (phi - 1), mu = mu))^n
root <- function(g) uniroot(g, c(1e-9, 5000), tol = 1e-13)$root
cases <- list(c(75, 11, 1), c(75, 11, 2), c(75, 11, 5), c(75, 11, 10), c(12, 3, 1), c(5, 24, 3), c(1, 1, 1), c(200, 6, 1.5))
out <- c()
for (cs in cases) {
  k <- cs[1]; n <- cs[2]; phi <- cs[3]
  hi <- root(function(mu) f(mu, k, n, phi) - 0.025)
  lo <- root(function(mu) f(mu, k - 1, n, phi) - 0.975)
  est <- root(function(mu) 0.5 * (f(mu, k - 1, n, phi) + f(mu, k, n, phi)) - 0.5)
  out <- c(out, sprintf('  {"maximum": %g, "periods": %g, "dispersion": %g, "estimate": %.15g, "ci_low": %.15g, "ci_high": %.15g}', k, n, phi, est, lo, hi))
}
cdf <- c()
for (cs in list(c(75, 11, 60, 1), c(75, 11, 60, 5), c(10, 4, 3.5, 2), c(0, 3, 0.2, 1))) {
  cdf <- c(cdf, sprintf('  {"maximum": %g, "periods": %g, "mean": %g, "dispersion": %g, "cdf": %.15g}', cs[1], cs[2], cs[3], cs[4], f(cs[3], cs[1], cs[2], cs[4])))
}
cat('{\n "source": "Rscript tests/reference/maximum.R: uniroot(tol = 1e-13) on ppois(k, mu)^n or pnbinom(k, size = mu/(phi-1), mu = mu)^n; ci_high solves P(M <= k) = 0.025, ci_low P(M <= k - 1) = 0.975, estimate (P(M <= k - 1) + P(M <= k)) / 2 = 0.5",\n "mean_from_maximum": [\n', paste(out, collapse = ",\n"), '\n ],\n "maximum_cdf": [\n', paste(cdf, collapse = ",\n"), '\n ]\n}\n', sep = "")
