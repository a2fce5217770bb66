# Generates tests/reference/mover_wilson.json: the MOVER-R Wilson interval for a ratio of two
# independent proportions (Donner & Zou 2012; Fagerland, Lydersen & Laake 2015, 2017), for
# compare_proportions(compare = "ratio", method = "mover-wilson").
# Two sources, each named beside its numbers:
#  * published: the epinephrine trial (Perondi et al. 2004; 7 of 34 vs 1 of 34) worked in
#    Fagerland, Lydersen & Laake (2017), Statistical Analysis of Contingency Tables, chapter 4
#    (the 2x2 table, ratio of probabilities): MOVER-R Wilson 7.0000 (1.1537 to 41.9763), the
#    figures printed by the book's companion package and asserted in its test suite
#    (contingencytables, tests/testthat/test-ch4.R), typed in here to 4 decimals;
#  * R: contingencytables::MOVER_R_Wilson_CI_ratio_2x2 (version 3.0.1, built from the CRAN
#    sources), by the book's authors, on further tables including zero cells.
# Run: Rscript tests/reference/mover_wilson.R > tests/reference/mover_wilson.json
suppressMessages(library(contingencytables))
f <- function(x) if (is.infinite(x)) '"inf"' else sprintf("%.15g", x)
tabs <- list(c(7, 34, 1, 34), c(0, 16, 15, 72), c(15, 72, 0, 16), c(56, 70, 48, 80),
             c(9, 10, 3, 10), c(30, 159, 308, 1616), c(1, 29, 2, 31), c(5, 56, 0, 29),
             c(10, 10, 5, 20), c(3, 12, 1, 15), c(200, 1000, 150, 1100), c(2, 5, 4, 5))
out <- sprintf(paste0('  {"x1": 7, "n1": 34, "x2": 1, "n2": 34, "confidence": 0.95, ',
  '"estimate": 7, "ci_low": 1.1537, "ci_high": 41.9763, "tol": 5e-5, "source": "%s"}'),
  paste("published: Fagerland, Lydersen & Laake (2017), Statistical Analysis of Contingency",
        "Tables, ch. 4, epinephrine example (Perondi et al. 2004), MOVER-R Wilson CI for the",
        "ratio of probabilities, 7.0000 (1.1537 to 41.9763) as printed by the book's package"))
for (t in tabs) for (conf in c(0.95, 0.9)) {
  call <- sprintf("MOVER_R_Wilson_CI_ratio_2x2(matrix(c(%d, %d, %d, %d), 2, byrow = TRUE), alpha = %s)",
                  t[1], t[2] - t[1], t[3], t[4] - t[3], 1 - conf)
  r <- eval(parse(text = call))
  out <- c(out, sprintf(paste0('  {"x1": %d, "n1": %d, "x2": %d, "n2": %d, "confidence": %s, ',
    '"estimate": %s, "ci_low": %s, "ci_high": %s, "tol": 1e-10, "source": "R contingencytables %s: %s"}'),
    t[1], t[2], t[3], t[4], f(conf), f(r$estimate), f(r$lower), f(r$upper),
    packageVersion("contingencytables"), call))
}
cat('{"description": "MOVER-R Wilson interval for a ratio of proportions; written by tests/reference/mover_wilson.R",\n"cases": [\n')
cat(paste(out, collapse = ",\n"), "\n]}\n")
