# Issue-15 fixes of the proportion comparisons, against R.
# Run: Rscript tests/reference/proportions_fixes.R   (R 4.2.2, epitools 0.5-10.1)
suppressMessages(library(epitools))
# Katz log interval with a zero non-case cell (group 2: 11 of 11): no correction needed.
# riskratio.wald's rows: reference group (2) first; columns: non-cases, cases.
m <- matrix(c(11 - 11, 11, 55 - 29, 29), 2, byrow = TRUE)
r <- suppressWarnings(riskratio.wald(m)$measure[2, ])
cat(sprintf('{"x1": 29, "n1": 55, "x2": 11, "n2": 11, "estimate": %.15g, "ci_low": %.15g, "ci_high": %.15g}\n',
            r[1], r[2], r[3]))
