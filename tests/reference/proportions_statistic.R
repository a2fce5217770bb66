# Generates tests/reference/proportions_statistic_r.json: the test statistics that R reports
# for compare_proportions(method = "prop.test") (prop.test's X-squared, Yates-corrected) and
# count_ratio(method = "wilson") (prop.test(count1, count1 + count2, p, correct = FALSE)'s
# X-squared, the square of the score z). Each case carries the R call.
# Run: Rscript tests/reference/proportions_statistic.R > tests/reference/proportions_statistic_r.json
f <- function(x) sprintf("%.15g", x)
two <- list(c(5, 10, 5, 20), c(12, 40, 7, 45), c(30, 50, 29, 50), c(1, 3, 9, 10),
            c(20, 20, 0, 15), c(56, 70, 48, 80), c(30, 159, 308, 1616))
a <- sapply(two, function(t) {
  call <- sprintf("prop.test(c(%d, %d), c(%d, %d))", t[1], t[3], t[2], t[4])
  r <- suppressWarnings(eval(parse(text = call)))
  sprintf('  {"x1": %d, "n1": %d, "x2": %d, "n2": %d, "x_squared": %s, "pvalue": %s, "call": "%s"}',
          t[1], t[2], t[3], t[4], f(unname(r$statistic)), f(r$p.value), call)
})
cr <- list(c(827, 481, 1), c(30, 12, 2), c(5, 9, 1), c(0, 7, 0.5), c(100, 100, 1.2))
b <- sapply(cr, function(t) {
  call <- sprintf("prop.test(%d, %d, p = %s, correct = FALSE)", t[1], t[1] + t[2], f(t[3] / (1 + t[3])))
  r <- suppressWarnings(eval(parse(text = call)))
  sprintf('  {"count1": %d, "count2": %d, "null": %s, "x_squared": %s, "pvalue": %s, "call": "%s"}',
          t[1], t[2], f(t[3]), f(unname(r$statistic)), f(r$p.value), call)
})
cat('{"description": "R test statistics for compare_proportions(method=\'prop.test\') and count_ratio(method=\'wilson\'); written by tests/reference/proportions_statistic.R",\n')
cat('"prop_test_two_sample": [\n', paste(a, collapse = ",\n"), '\n],\n"count_ratio_score": [\n',
    paste(b, collapse = ",\n"), '\n]}\n')
