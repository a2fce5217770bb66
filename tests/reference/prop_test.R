# R prop.test (stats, R 4.2.2): the one-sample interval (default p = 0.5) and the two-sample
# interval and p-value, for proportion_ci(method="prop.test") and
# compare_proportions(method="prop.test").
# Run: Rscript tests/reference/prop_test.R > tests/reference/prop_test.json
one <- list(c(5, 10), c(0, 10), c(10, 10), c(3, 17), c(50, 120), c(1, 2))
two <- list(c(0, 10, 0, 20), c(5, 10, 5, 20), c(12, 40, 7, 45), c(30, 50, 29, 50), c(1, 3, 9, 10), c(20, 20, 0, 15))
f <- function(x) sprintf("%.15g", x)
cat('{\n "one_sample": [\n')
o <- sapply(one, function(a) { r <- prop.test(a[1], a[2]); sprintf('  {"x": %s, "n": %s, "ci_low": %s, "ci_high": %s, "pvalue": %s}', a[1], a[2], f(r$conf.int[1]), f(r$conf.int[2]), f(r$p.value)) })
cat(paste(o, collapse = ",\n"))
cat('\n ],\n "two_sample": [\n')
t <- sapply(two, function(a) { r <- suppressWarnings(prop.test(c(a[1], a[3]), c(a[2], a[4]))); p <- if (is.na(r$p.value)) "NaN" else f(r$p.value); sprintf('  {"x1": %s, "n1": %s, "x2": %s, "n2": %s, "ci_low": %s, "ci_high": %s, "pvalue": %s}', a[1], a[2], a[3], a[4], f(r$conf.int[1]), f(r$conf.int[2]), p) })
cat(paste(t, collapse = ",\n"))
cat('\n ]\n}\n')
