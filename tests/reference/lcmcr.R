# Generates tests/reference/lcmcr.json. Run from the project root:
#   Rscript tests/reference/lcmcr.R > tests/reference/lcmcr.json
# Needs R package LCMCR 0.4.14 (Manrique-Vallier; CRAN, GPL >= 2), built from source with GSL.
#
# For each capture-recapture table in data/capture_recapture/, several independent LCMCR
# samplers (K = 10, a_alpha = b_alpha = 0.25, different seeds) are run for a long time; their
# posterior draws of N are pooled and summarised by the median and the 2.5% / 97.5%
# quantiles (type 7, R's default). Monte Carlo error of these summaries is reported as the
# spread of the per-seed summaries (sd across seeds), so the tolerances in the tests can be
# judged against it. The Gibbs throughput (iterations per CPU second, one chain) is recorded too.
#
# Also: convergence diagnostics of R package posterior (1.4.0) on a few sets of chains drawn
# here (stored rounded to 4 decimals, and the diagnostics computed on the stored values):
# rhat() (rank-normalised split R-hat, Vehtari et al. 2021), ess_bulk(), ess_tail().
suppressPackageStartupMessages({library(LCMCR); library(jsonlite); library(posterior)})
options(digits = 15)

set.seed(20211)
ar1 <- function(n, phi, mu = 0) {
  x <- numeric(n); x[1] <- rnorm(1) / sqrt(1 - phi^2)
  for (t in 2:n) x[t] <- phi * x[t - 1] + rnorm(1)
  mu + x
}
chain_sets <- list(
  ar1_mixed = sapply(1:4, function(i) ar1(300, 0.9)),
  ar1_shifted = sapply(1:4, function(i) ar1(250, 0.5, mu = 0.6 * (i == 4))),
  iid_odd = sapply(1:3, function(i) rnorm(301)),
  counts_with_ties = sapply(1:4, function(i) rpois(200, exp(1.5 + 0.4 * ar1(200, 0.7)))),
  heavy_tail = sapply(1:2, function(i) rt(400, df = 1.5)),
  one_chain = matrix(ar1(500, 0.95), ncol = 1)
)
diagnostics <- lapply(names(chain_sets), function(nm) {
  x <- round(chain_sets[[nm]], 4)  # iterations in rows, chains in columns
  list(id = nm, draws = t(x), rhat = rhat(x), ess_bulk = ess_bulk(x), ess_tail = ess_tail(x),
       source = "library(posterior); x <- t(draws); c(rhat(x), ess_bulk(x), ess_tail(x))")
})

K <- 10; a_alpha <- 0.25; b_alpha <- 0.25
seeds <- c(101, 202, 303, 404)
burnin <- 20000; samples <- 20000; thinning <- 20  # 400,000 kept-or-thinned iterations per seed

tables <- list(
  congenital = "data/capture_recapture/congenital_anomaly_massachusetts_5lists.csv",
  kosovo = "data/capture_recapture/kosovo_1999_capture_patterns.csv",
  hav = "data/capture_recapture/hav_taiwan_1995_3lists.csv"
)

records <- function(path) {
  tab <- read.csv(path)
  lists <- setdiff(names(tab), "count")
  ind <- tab[rep(seq_len(nrow(tab)), tab$count), lists, drop = FALSE]
  for (v in lists) ind[[v]] <- factor(ind[[v]], levels = c(0, 1))
  rownames(ind) <- NULL
  ind
}

run_one <- function(ind, seed) {
  s <- lcmCR(captures = ind, tabular = FALSE, in_list_label = "1", not_in_list_label = "0",
             K = K, a_alpha = a_alpha, b_alpha = b_alpha, seed = seed,
             buffer_size = samples, thinning = thinning, verbose = FALSE)
  lcmCR_PostSampl(s, burnin = burnin, samples = samples, thinning = thinning, output = FALSE)
}

out <- list()
for (name in names(tables)) {
  ind <- records(tables[[name]])
  draws <- lapply(seeds, function(sd) run_one(ind, sd))
  per_seed <- sapply(draws, function(d) c(median(d), quantile(d, c(0.025, 0.975), names = FALSE)))
  all <- unlist(draws)
  q <- quantile(all, c(0.025, 0.5, 0.975), names = FALSE)
  out[[name]] <- list(
    file = tables[[name]], observed = nrow(ind), lists = ncol(ind),
    median = q[2], q025 = q[1], q975 = q[3], mean = mean(all),
    mc_sd = list(median = sd(per_seed[1, ]), q025 = sd(per_seed[2, ]), q975 = sd(per_seed[3, ])),
    n_draws = length(all),
    call = sprintf(paste0(
      "for seed in c(%s): s <- lcmCR(records, tabular = FALSE, in_list_label = '1', ",
      "not_in_list_label = '0', K = %d, a_alpha = %g, b_alpha = %g, seed = seed, ",
      "buffer_size = %d, thinning = %d); N <- lcmCR_PostSampl(s, burnin = %d, samples = %d, ",
      "thinning = %d); pooled quantile(N, c(0.025, 0.5, 0.975))"),
      paste(seeds, collapse = ", "), K, a_alpha, b_alpha, samples, thinning, burnin, samples,
      thinning)
  )
}

# Throughput on Kosovo (4 lists, 4,400 records, K = 10): one chain, 200,000 iterations.
ind <- records(tables$kosovo)
s <- lcmCR(captures = ind, tabular = FALSE, in_list_label = "1", not_in_list_label = "0",
           K = K, a_alpha = a_alpha, b_alpha = b_alpha, seed = 1, buffer_size = 1000,
           thinning = 100, verbose = FALSE)
n_it <- 200000
tm <- system.time(s$Update(n_it, FALSE))
cpu <- tm[["user.self"]] + tm[["sys.self"]]

res <- list(
  description = paste(
    "Posterior of the population size N from R's LCMCR 0.4.14 (Manrique-Vallier 2016),",
    "K = 10, a_alpha = b_alpha = 0.25: pooled draws from 4 seeds, median and 2.5%/97.5%",
    "quantiles; mc_sd is the standard deviation of the per-seed summaries."),
  generator = paste("Rscript tests/reference/lcmcr.R (", R.version.string, ", LCMCR",
                    as.character(packageVersion("LCMCR")), ")"),
  settings = list(K = K, a_alpha = a_alpha, b_alpha = b_alpha, seeds = seeds, burnin = burnin,
                  samples = samples, thinning = thinning),
  tables = out,
  diagnostics = diagnostics,
  speed = list(table = "kosovo", iterations = n_it, cpu_seconds = cpu,
               elapsed_seconds = tm[["elapsed"]], iterations_per_cpu_second = n_it / cpu,
               note = "one chain after lcmCR's initialisation; the machine is shared, so CPU time")
)
cat(toJSON(res, auto_unbox = TRUE, pretty = TRUE, digits = NA), "\n")
