# Generates tests/reference/multinomial_ci.json: Sison-Glaz intervals from R's MultinomialCI
# (1.2, the CRAN sources built with R CMD INSTALL) at large totals. Run from the project root:
#   Rscript tests/reference/multinomial_ci.R > tests/reference/multinomial_ci.json
#
# Up to a total of about 80,000 the cases are MultinomialCI::multinomialCI(x, alpha) itself.
# Above that, multinomialCI's upward scan `for (cc in 1:n)` stops at the first cc whose
# Edgeworth value exceeds 1 - alpha; with boxes of a few counts around Poisson means of
# 10^5 the expansion returns values like 418 or -174, and the scan stops at cc = 1 (a
# zero-width interval). The "started" cases run the package's own .truncpoi and its own
# interpolation, with the upward scan started where the binomial margins leave room for a
# crossing (see started_ci), as conflictstats does.
# .truncpoi forms lambda^r-sized factorial moments and cancels them, so its digits thin out
# as the counts grow (at a total of 6e5 its nu is off by ~6e-6); the tolerance says so.
suppressMessages(library(MultinomialCI))
options(digits = 15)
cases <- character(0)
num <- function(x) sprintf("%.15g", x)
jstr <- function(s) paste0('"', gsub('"', '\\\\"', s), '"')
emit <- function(id, x, conf, lim, source, tol) {
  e <- c(setNames(lim[, 1], paste0("ci_low_", seq_along(x) - 1)),
         setNames(lim[, 2], paste0("ci_high_", seq_along(x) - 1)))
  cases <<- c(cases, sprintf(
    '{"id": %s, "function": "multinomial_ci", "args": {"counts": [%s], "method": "sison-glaz", "confidence": %s}, "expected": {%s}, "tol": %s, "source": %s}',
    jstr(id), paste(sapply(x, num), collapse = ", "), num(conf),
    paste(sprintf('"%s": %s', names(e), sapply(e, num)), collapse = ", "), num(tol), jstr(source)))
}
fmt <- function(x) paste0("c(", paste(sprintf("%.0f", x), collapse = ", "), ")")

direct <- list(c(8270, 4810, 3080), c(16540, 9620, 6160), c(41350, 24050, 15400),
               c(4135, 2405, 1540), c(20000, 300, 150), c(5000, 5000, 5000, 5000),
               c(12000, 7000, 900, 40, 3))
for (x in direct) for (alpha in c(0.05, 0.1)) {
  call <- sprintf("MultinomialCI::multinomialCI(%s, %g)", fmt(x), alpha)
  emit(sprintf("sg_direct_%s_%g", paste(x, collapse = "_"), alpha), x, 1 - alpha,
       eval(parse(text = call)), call, 1e-6)
}

# multinomialCI's upward scan for the first cc with nu(cc) > 1 - alpha, started at the c below
# which the binomial margins X_i ~ Bin(n, x_i/n) alone keep the true joint probability
# 2 alpha short of the level: the smallest c with min_i P(|X_i - x_i| <= c) > 1 - 3 alpha,
# minus one (nu(c) <= min_i P(|X_i - x_i| <= c) for the true joint probability)
started_ci <- function(x, alpha) {
  n <- sum(x); k <- length(x); p <- x / n
  marg <- function(c) min(pbinom(x + c, n, p) - pbinom(x - c - 1, n, p))
  lo <- -1; hi <- n                                # marg(hi) > level >= marg(lo)
  while (hi - lo > 1) { mid <- floor((lo + hi) / 2); if (marg(mid) > 1 - 3 * alpha) hi <- mid else lo <- mid }
  start <- max(hi - 1, 0)
  nu <- function(c) if (c <= 0) 0 else if (c >= n) 1 else MultinomialCI:::.truncpoi(c, x, n, k)
  cc <- start                                      # first cc >= start with nu(cc + 1) > 1 - alpha
  while (nu(cc + 1) <= 1 - alpha) cc <- cc + 1
  pold <- nu(cc); pnew <- nu(cc + 1)
  delta <- (1 - alpha - pold) / (pnew - pold); c <- cc
  cbind(pmax(p - c / n, 0), pmin(p + c / n + 2 * delta / n, 1))
}
# multinomialCI(c(30000, 0, 12000), 0.05) and multinomialCI(c(60000, 15000), 0.05) stop at
# cc = 2 and 3 (half-widths of 1 and 2 counts): spurious crossings, already below 10^5.
# Above ~5e5 .truncpoi's own digits thin out (at c(400000, 30000, 2000) its nu is no longer
# monotone in c: 0.9580, 0.9570, 0.9618 at cc = 334..336), so the cases stop there.
started <- list(c(30000, 0, 12000), c(60000, 15000), c(82700, 48100, 30800),
                c(100000, 200000, 300000))
for (x in started) {
  call <- sprintf("started_ci(%s, 0.05)", fmt(x))
  emit(sprintf("sg_started_%s", paste(x, collapse = "_")), x, 0.95, eval(parse(text = call)),
       paste0(call, " (tests/reference/multinomial_ci.R: MultinomialCI:::.truncpoi and the ",
              "interpolation of multinomialCI, scanned upwards from the binomial-margin start)"),
       1e-6)
}

cat('{"description": "Sison-Glaz simultaneous intervals from R MultinomialCI 1.2 at large totals, written by tests/reference/multinomial_ci.R; each case carries the R call. tol is both an absolute and a relative tolerance.",\n',
    '"generator": "tests/reference/multinomial_ci.R",\n"cases": [\n',
    paste(cases, collapse = ",\n"), "\n]}\n", sep = "")
