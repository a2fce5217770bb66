# Generates tests/reference/exact_binom.json: exact binomial tests with a choice of two-sided
# method and their matching intervals (R package exactci, Fay 2010), the mid-p test, and the
# score statistic of prop.test. Each case carries the R call that produced it.
# Run from the project root:
#   Rscript tests/reference/exact_binom.R > tests/reference/exact_binom.json
# exactci refines its limits on a grid to `tol` and rounds them to floor(-log10(tol)) - 1
# decimals: tol = 1e-10 gives 9 decimals, so the limits are compared at 1e-8.
suppressMessages(library(exactci))
ctl <- "exactci:::binomControl(tol = 1e-10)"
f <- function(x) sprintf("%.15g", x)
out <- character(0)
add <- function(id, x, n, p, tsmethod, alternative, conf, call, r, key = "pvalue") {
  alt <- c(two.sided = "two-sided", less = "smaller", greater = "larger")[[alternative]]
  out <<- c(out, sprintf(paste0(
    '  {"id": "%s", "x": %d, "n": %d, "null": %s, "tsmethod": "%s", "alternative": "%s", ',
    '"confidence": %s, "ci_low": %s, "ci_high": %s, "%s": %s, "call": "%s"}'),
    id, x, n, f(p), tsmethod, alt, f(conf), f(r$conf.int[1]), f(r$conf.int[2]), key,
    f(r$p.value), gsub('"', '\\\\"', call)))
}
cases <- list(c(3, 10, 0.05), c(0, 10, 0.2), c(10, 10, 0.7), c(1, 29, 0.1), c(81, 263, 0.25),
              c(5, 7, 0.3), c(18, 99, 0.1), c(1, 1, 0.5), c(30, 159, 0.15), c(2, 50, 0.01),
              c(154, 308, 0.55), c(7, 40, 0.3), c(500, 2000, 0.26), c(4, 20, 0.05))
for (cs in cases) {
  x <- cs[1]; n <- cs[2]; p <- cs[3]
  for (ts in c("central", "minlike", "blaker")) for (conf in c(0.95, 0.9)) {
    call <- sprintf("binom.exact(%d, %d, p = %s, tsmethod = \"%s\", conf.level = %s, control = %s)",
                    x, n, f(p), ts, f(conf), ctl)
    r <- eval(parse(text = call))
    add(sprintf("%s_%d_%d_%s", ts, x, n, conf), x, n, p, ts, "two.sided", conf, call, r)
  }
  for (alt in c("less", "greater")) {
    call <- sprintf("binom.exact(%d, %d, p = %s, alternative = \"%s\", control = %s)", x, n,
                    f(p), alt, ctl)
    r <- eval(parse(text = call))
    add(sprintf("%s_%d_%d", alt, x, n), x, n, p, "central", alt, 0.95, call, r)
  }
}
mid <- character(0)
for (cs in cases) {
  x <- cs[1]; n <- cs[2]; p <- cs[3]
  for (alt in c("two.sided", "less", "greater")) {
    call <- sprintf("binom.exact(%d, %d, p = %s, alternative = \"%s\", midp = TRUE)$p.value",
                    x, n, f(p), alt)
    v <- eval(parse(text = call))
    a <- c(two.sided = "two-sided", less = "smaller", greater = "larger")[[alt]]
    mid <- c(mid, sprintf('  {"x": %d, "n": %d, "null": %s, "alternative": "%s", "pvalue": %s, "call": "%s"}',
                          x, n, f(p), a, f(v), gsub('"', '\\\\"', call)))
  }
}
score <- character(0)
for (cs in cases) {
  x <- cs[1]; n <- cs[2]; p <- cs[3]
  call <- sprintf("prop.test(%d, %d, p = %s, correct = FALSE)", x, n, f(p))
  r <- suppressWarnings(eval(parse(text = call)))
  score <- c(score, sprintf('  {"x": %d, "n": %d, "null": %s, "x_squared": %s, "pvalue": %s, "call": "%s"}',
                            x, n, f(p), f(unname(r$statistic)), f(r$p.value), call))
}
cat('{"description": "exact binomial tests and intervals by two-sided method (R exactci::binom.exact, Fay 2010), mid-p tests, and the score statistic (R prop.test, correct = FALSE); written by tests/reference/exact_binom.R",\n')
cat(sprintf('"generator": "tests/reference/exact_binom.R", "R": "%s", "exactci": "%s",\n',
            R.version.string, packageVersion("exactci")))
cat('"exact": [\n', paste(out, collapse = ",\n"), '\n],\n"midp": [\n', paste(mid, collapse = ",\n"),
    '\n],\n"score": [\n', paste(score, collapse = ",\n"), '\n]}\n')
