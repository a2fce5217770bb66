# Sen's slope and Gilbert's interval on whole-number series with many ties, computed directly
# from every pairwise slope (outer products), for tests/test_sen_slope.py.
# Run from the project root:  Rscript tests/reference/sen_slope.R
# (trend::sens.slope is not installed; this is the same computation, written out.)

sen_direct <- function(x, conf = 0.95) {
  n <- length(x)
  t <- seq_len(n)
  dx <- outer(x, x, function(a, b) b - a)     # dx[i, j] = x[j] - x[i]
  dt <- outer(t, t, function(a, b) b - a)     # j - i
  sl <- sort((dx / dt)[upper.tri(dx)])        # the n (n - 1) / 2 slopes with i < j
  N <- length(sl)
  tt <- table(x)
  v <- (n * (n - 1) * (2 * n + 5) - sum(tt * (tt - 1) * (2 * tt + 5))) / 18
  C <- qnorm(1 - (1 - conf) / 2) * sqrt(v)
  lo <- round((N - C) / 2); hi <- round((N + C) / 2) + 1   # R rounds half to even
  list(slope = median(sl), ci_low = sl[lo], ci_high = sl[hi], lo_rank = lo, hi_rank = hi,
       n_slopes = N)
}

set.seed(17)
series <- list(
  sparse_60 = rpois(60, 0.8),
  ties_500 = rpois(500, 3 + 2 * (seq_len(500) > 250)),
  step_2000 = rpois(2000, 20 + 5 * (seq_len(2000) > 1200)),
  three_values_1500 = sample(0:2, 1500, replace = TRUE),
  trend_1800 = rpois(1800, exp(1 + seq_len(1800) / 900))
)
cases <- lapply(names(series), function(nm) {
  x <- series[[nm]]
  c(list(x = x, source = paste0("tests/reference/sen_slope.R: sen_direct(x), set.seed(17), ", nm)),
    sen_direct(x))
})
names(cases) <- names(series)

to_json <- function(x, indent = "") {  # small writer (no jsonlite): 17 significant digits
  inner <- paste0(indent, "  ")
  if (is.list(x)) {
    items <- vapply(x, to_json, "", indent = inner)
    items <- paste0('"', names(x), '": ', items)
    return(paste0("{\n", inner, paste(items, collapse = paste0(",\n", inner)), "\n", indent, "}"))
  }
  if (is.character(x)) return(paste0('"', x, '"'))
  v <- gsub(" ", "", formatC(x, digits = 17, format = "g"))
  if (length(x) == 1) v else paste0("[", paste(v, collapse = ", "), "]")
}
out <- list(generated_by = "Rscript tests/reference/sen_slope.R", r_version = R.version.string,
            cases = cases)
writeLines(to_json(out), "tests/reference/sen_slope.json")
