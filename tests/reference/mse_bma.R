# Generates tests/reference/mse_bma.json. Run from the project root:
#   Rscript tests/reference/mse_bma.R > tests/reference/mse_bma.json
# Needs R package dga 2.0.2 (Johndrow, Lum, Ball and Binette; CRAN, built from source) and
# jsonlite. Every case is one call of dga::bma.cr(Y, Nmissing, delta, graphsK) with its default
# prior -log(N) on the total, Nmissing = 0:(20 * n), n the number observed. Y is the 2^k array
# whose dimension i is list i (the i-th character of a capture-history string), so that dga's
# clique vertex i is the project's list letter LETTERS[i].
suppressMessages({library(dga); library(jsonlite)})
data(graphs3); data(graphs4); data(graphs5)
graphs <- list(NULL, NULL, graphs3, graphs4, graphs5)

to_array <- function(d, lists) {
  k <- length(lists)
  Y <- array(0, dim = rep(2, k))
  for (r in seq_len(nrow(d))) {
    idx <- matrix(as.integer(d[r, lists]) + 1, nrow = 1)
    Y[idx] <- Y[idx] + d$count[r]
  }
  Y
}
model_name <- function(g) {
  cl <- sapply(g$C, function(c) paste(LETTERS[sort(as.integer(c))], collapse = ""))
  paste0("[", sort(cl, method = "radix"), "]", collapse = "")
}
# posterior values kept in the file: where >= 1e-10, at most 400 evenly spaced grid points
thin <- function(p) {
  i <- which(p >= 1e-10)
  if (length(i) > 400) i <- i[unique(round(seq(1, length(i), length.out = 400)))]
  i
}
qpost <- function(N, p, q) N[which(cumsum(p) >= q - 1e-12)[1]]

cases <- list()
run <- function(id, d, lists, delta, dataset, stratum = NULL) {
  k <- length(lists)
  Y <- to_array(d, lists)
  n <- sum(Y)
  Nmissing <- 0:(20 * n)
  w <- bma.cr(Y, Nmissing, delta, graphs[[k]])
  post <- colSums(w)
  N <- n + Nmissing
  keep <- thin(post)
  names_m <- sapply(graphs[[k]], model_name)
  mp <- rowSums(w)
  src <- sprintf(paste0("Y <- array of %s (dimension i = list i); Nmissing <- 0:(20 * %d); ",
                        "w <- dga::bma.cr(Y, Nmissing, delta = %s, graphs%d); post <- colSums(w); ",
                        "model probabilities rowSums(w); quantile q = min N with cumsum(post) >= q"),
                 dataset, n, format(delta, digits = 15), k)
  cases[[length(cases) + 1]] <<- list(
    id = id, dataset = dataset, stratum = stratum, lists = lists, delta = delta,
    n_max = max(N), observed = n,
    mean = sum(N * post), median = qpost(N, post, 0.5),
    q025 = qpost(N, post, 0.025), q975 = qpost(N, post, 0.975),
    N = N[keep], probability = post[keep],
    models = names_m, model_probability = mp, source = src)
  post
}

cong <- read.csv("data/capture_recapture/congenital_anomaly_massachusetts_5lists.csv")
hav <- read.csv("data/capture_recapture/hav_taiwan_1995_3lists.csv")
kos <- read.csv("data/capture_recapture/kosovo_1999_capture_patterns.csv")
spina <- read.csv("data/capture_recapture/spina_bifida_newyork_1969_1974_3lists_by_ethnicity.csv")
cl <- names(cong)[1:5]
for (delta in c(0.5, 1, 2^-5)) run(sprintf("congenital_delta_%g", delta), cong, cl, delta, "congenital")
for (delta in c(1, 2^-3)) run(sprintf("hav_delta_%g", delta), hav, c("P", "Q", "E"), delta, "hav")
for (delta in c(1, 2^-4)) run(sprintf("kosovo_delta_%g", delta), kos, c("EXH", "ABA", "OSCE", "HRW"), delta, "kosovo")
sl <- c("birth_cert", "death_cert", "med_rehab")
total <- NULL
# the 'other' stratum (2 people, lists 2 and 3 empty) is left out: bma refuses empty lists
for (s in c("afro-american", "caucasian")) {
  d <- spina[spina$ethnicity == s, ]
  p <- run(sprintf("spina_%s_delta_0.125", s), d, sl, 2^-3, "spina", s)
  n <- sum(d$count)
  total <- if (is.null(total)) list(p = p, lo = n) else
    list(p = convolve(total$p, rev(p), type = "open"), lo = total$lo + n)
}
# the stratified total: posteriors of the independent strata convolved (stats::convolve)
N <- total$lo + seq_along(total$p) - 1
post <- total$p / sum(total$p)
keep <- thin(post)
strat <- list(id = "spina_stratified_total", dataset = "spina", delta = 2^-3,
  mean = sum(N * post), median = qpost(N, post, 0.5), q025 = qpost(N, post, 0.025),
  q975 = qpost(N, post, 0.975), N = N[keep], probability = post[keep],
  source = paste("per-ethnicity posteriors (afro-american, caucasian) of N from dga::bma.cr (delta = 2^-3, Nmissing = 0:(20 * n))",
                 "convolved with stats::convolve(x, rev(y), type = 'open'); N from the sum of the observed"))
out <- list(description = "dga 2.0.2 bma.cr: posterior of N and model probabilities",
            generator = "tests/reference/mse_bma.R", dga_version = as.character(packageVersion("dga")),
            cases = cases, stratified = strat)
cat(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null"))
