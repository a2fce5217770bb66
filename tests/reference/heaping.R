# Generates tests/reference/heaping.json. Run from the project root:
#   Rscript tests/reference/heaping.R > tests/reference/heaping.json
# Base R only. Eligibility and last digits are computed here in R from the definitions in
# the heaping module's docstrings (a value is eligible for base b when x >= ceiling(b/2); the
# digit test uses values >= 10); the tests are binom.test and chisq.test.
cases <- character(0)
num <- function(x) sprintf("%.15g", x)
jstr <- function(s) paste0('"', gsub('"', '\\\\"', s), '"')
vec <- function(x) paste0("[", paste(sapply(x, num), collapse = ", "), "]")
emit <- function(id, func, values, extra, expected, source, tol) {
  e <- paste(sprintf('"%s": %s', names(expected), sapply(expected, num)), collapse = ", ")
  cases <<- c(cases, sprintf(
    '{"id": %s, "function": %s, "args": {"values": %s%s}, "expected": {%s}, "tol": %s, "source": %s}',
    jstr(id), jstr(func), vec(values), extra, e, num(tol), jstr(source)))
}
set.seed(8)
data_sets <- list(
  # a selection of counts quoted in the seed article (data/hajin_2018/figures.csv)
  hajin = c(30000, 2000, 2500, 20000, 30000, 7000, 75, 60, 827, 481, 308, 50, 79, 30, 30, 600),
  smooth = rpois(80, 400) + round(rexp(80, 1 / 300)),
  heaped = {x <- rpois(60, 250); i <- seq(1, 60, by = 3); x[i] <- round(x[i] / 10) * 10; x},
  small = c(3, 12, 17, 25, 40, 41, 8, 100, 6, 55, 19, 27)
)
for (nm in names(data_sets)) {
  x <- data_sets[[nm]]
  for (b in c(5, 10, 50, 100)) {
    n <- sum(x >= ceiling(b / 2)); k <- sum(x >= ceiling(b / 2) & x %% b == 0)
    if (n == 0) next
    p <- binom.test(k, n, p = 1 / b, alternative = "greater")$p.value
    ci <- binom.test(k, n, conf.level = 0.95)$conf.int
    src <- sprintf(paste0("x <- %s; n <- sum(x >= ceiling(%g / 2)); k <- sum(x >= ceiling(%g / 2) & x %%%% %g == 0); ",
                          "binom.test(k, n, p = 1 / %g, alternative = 'greater')$p.value; binom.test(k, n)$conf.int"),
                   paste0("c(", paste(x, collapse = ", "), ")"), b, b, b, b)
    emit(sprintf("round_%s_%g", nm, b), "round_number_test", x, sprintf(', "base": %g', b),
         c(n_eligible = n, n_round = k, estimate = k / n, pvalue = p, ci_low = ci[1], ci_high = ci[2]),
         src, 1e-9)
  }
  used <- x[x >= 10]
  if (length(used) < 10) next  # digit_preference refuses fewer than 10 values of 10 or more
  counts <- table(factor(used %% 10, levels = 0:9))
  ct <- chisq.test(as.vector(counts), p = rep(0.1, 10))
  whip <- 100 * mean(used %% 5 == 0) / 0.2
  src <- sprintf(paste0("x <- %s; u <- x[x >= 10]; ct <- chisq.test(as.vector(table(factor(u %%%% 10, levels = 0:9))), p = rep(0.1, 10)); ",
                        "c(ct$statistic, ct$p.value, 100 * mean(u %%%% 5 == 0) / 0.2)"),
                 paste0("c(", paste(x, collapse = ", "), ")"))
  emit(sprintf("digits_%s", nm), "digit_preference", x, "",
       c(statistic = unname(ct$statistic), pvalue = ct$p.value, n = length(used), whipple = whip),
       src, 1e-9)
}
cat('{\n  "description": "Reference values for conflictstats.heaping: binom.test (one-sided exact p-value, two-sided Clopper-Pearson interval) on the multiples of each base among eligible values, and chisq.test on last digits, with a Whipple-type index; eligibility and digits computed in R.",\n')
cat(sprintf('  "generator": "Rscript tests/reference/heaping.R (%s)",\n', R.version.string))
cat('  "cases": [\n    ', paste(cases, collapse = ",\n    "), '\n  ]\n}\n', sep = "")
