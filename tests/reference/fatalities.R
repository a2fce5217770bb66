# Reference values for tests/test_fatalities.py -> tests/reference/fatalities.json
#
# R 4.x with uncertainUCDP 0.7.6 (built from the CRAN source, github.com/cran/uncertainUCDP,
# `R CMD INSTALL`), survey (Debian r-cran-survey) and mice (Debian r-cran-mice), jsonlite.
# Run from the repository root:  Rscript tests/reference/fatalities.R
suppressPackageStartupMessages({
  library(uncertainUCDP)
  library(survey)
  library(mice)
  library(jsonlite)
})

out <- list(
  generated_by = "Rscript tests/reference/fatalities.R",
  versions = list(
    R = R.version.string,
    uncertainUCDP = as.character(packageVersion("uncertainUCDP")),
    survey = as.character(packageVersion("survey")),
    mice = as.character(packageVersion("mice"))
  )
)

# ---- 1. uncertainUCDP: quantiles, CDF and mean on a grid of best values ----------------------
best <- c(0, 1, 2, 3, 4, 5, 7, 10, 12, 13, 14, 20, 24, 25, 39, 40, 41, 50, 99, 100, 101, 150,
          199, 200, 201, 500, 999, 1000, 1001, 1500, 2000, 2001, 3000, 5000)
probs <- c(0.001, 0.025, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.975, 0.999)
qmult <- c(0, 0.5, 1, 1.5, 2)   # CDF at q = qmult * best + qadd
qadd <- c(0, 0.5, 10)
ucdp <- list()
for (tov in c("sb", "ns", "os", "any")) {
  par <- suppressWarnings(uncertainUCDP_parameters(best, tov))
  quant <- lapply(probs, function(p) suppressWarnings(quncertainUCDP(p, best, tov)))
  names(quant) <- format(probs)
  grid <- expand.grid(i = seq_along(best), m = qmult, a = qadd)
  qq <- grid$m * best[grid$i] + grid$a
  ff <- best[grid$i]
  cdf <- suppressWarnings(puncertainUCDP(qq, ff, tov))
  ucdp[[tov]] <- list(
    call_quantile = sprintf("quncertainUCDP(p, fatalities = best, tov = '%s') for each p in probs", tov),
    call_cdf = sprintf("puncertainUCDP(q, fatalities = cdf_best, tov = '%s') elementwise", tov),
    call_mean = sprintf("mean_uncertainUCDP(fatalities = best, tov = '%s')", tov),
    call_median = sprintf("median_uncertainUCDP(fatalities = best, tov = '%s')", tov),
    call_parameters = sprintf("uncertainUCDP_parameters(best, '%s')", tov),
    loc = par$loc, scale = par$scale, w = unname(par$w),
    quantile = quant,
    cdf_best = ff, cdf_q = qq, cdf = cdf,
    mean = suppressWarnings(mean_uncertainUCDP(best, tov)),
    median = suppressWarnings(median_uncertainUCDP(best, tov))
  )
}
# numeric codes 1/2/3 give the same as the strings
ucdp$numeric_tov_check <- list(
  call = "mean_uncertainUCDP(best, 3)",
  mean = mean_uncertainUCDP(best, 3)
)
out$uncertain_ucdp <- list(best = best, probs = probs, by_type = ucdp)

# ---- 2. survey::svyratio, events as primary sampling units ----------------------------------
ratio_case <- function(d, num, den, label, data_call) {
  des <- svydesign(ids = ~1, data = d)
  r <- svyratio(as.formula(paste0("~", num)), as.formula(paste0("~", den)), des)
  ci <- confint(r, level = 0.95)
  ci90 <- confint(r, level = 0.90)
  list(
    label = label,
    data = data_call,
    call = sprintf("r <- svyratio(~%s, ~%s, svydesign(ids = ~1, data = d)); coef(r); SE(r); confint(r, level = 0.95); confint(r, level = 0.90)", num, den),
    n = nrow(d),
    numerator = num, denominator = den,
    ratio = unname(coef(r)), se = unname(SE(r)[1]),
    ci_low = unname(ci[1, 1]), ci_high = unname(ci[1, 2]),
    ci90_low = unname(ci90[1, 1]), ci90_high = unname(ci90[1, 2])
  )
}
sample_path <- "data/ucdp_ged/ucdp_ged231_random_sample_1000.csv"
syria_path <- "data/ucdp_ged/ucdp_ged_syria_20160101_20191130.csv"
g <- read.csv(sample_path)
s <- read.csv(syria_path)
s17 <- s[s$year == 2017, ]
# a ratio of sides needs a positive denominator total; events with no deaths on either side stay in
out$svyratio <- list(
  ratio_case(g, "deaths_civilians", "best", "GED 23.1 sample: civilians' share of deaths",
             sprintf("d <- read.csv('%s')", sample_path)),
  ratio_case(g, "deaths_a", "deaths_b", "GED 23.1 sample: side A deaths per side B death",
             sprintf("d <- read.csv('%s')", sample_path)),
  ratio_case(s17, "deaths_civilians", "best", "Syria 2017: civilians' share of deaths",
             sprintf("s <- read.csv('%s'); d <- s[s$year == 2017, ]", syria_path)),
  ratio_case(s17, "deaths_a", "deaths_b", "Syria 2017: side A deaths per side B death",
             sprintf("s <- read.csv('%s'); d <- s[s$year == 2017, ]", syria_path))
)

# ---- 3. Rubin's rules: mice::pool on the nhanes example of van Buuren & Groothuis-Oudshoorn (2011)
imp <- mice(nhanes, m = 5, seed = 23109, printFlag = FALSE)
fit <- with(imp, lm(chl ~ age + bmi))
est <- sapply(fit$analyses, coef)
se <- sapply(fit$analyses, function(f) sqrt(diag(vcov(f))))
pl <- pool(fit)$pooled
out$rubin_nhanes <- list(
  source = paste("the nhanes example of van Buuren & Groothuis-Oudshoorn (2011), mice: Multivariate",
                 "Imputation by Chained Equations in R, J. Stat. Softw. 45(3), recomputed with the installed",
                 "mice (the per-imputation estimates and variances and mice's pooled values are all",
                 "stored; the paper's printed numbers came from an older mice and are not reproduced)"),
  call = "imp <- mice(nhanes, m = 5, seed = 23109, printFlag = FALSE); fit <- with(imp, lm(chl ~ age + bmi)); pool(fit)$pooled",
  term = rownames(est),
  estimates = unname(est), variances = unname(se^2),
  dfcom = unname(pl$dfcom[1]),
  qbar = pl$estimate, ubar = pl$ubar, b = pl$b, t = pl$t, df = pl$df,
  riv = pl$riv, lambda = pl$lambda, fmi = pl$fmi
)
Q <- c(2.1, 2.6, 1.9, 2.4, 2.2, 2.8, 2.0)
U <- c(0.30, 0.28, 0.35, 0.31, 0.29, 0.33, 0.30)
ps <- pool.scalar(Q, U, n = 40, k = 3)
ps_inf <- pool.scalar(Q, U)
out$rubin_scalar <- list(
  call = "pool.scalar(Q, U, n = 40, k = 3); pool.scalar(Q, U)",
  Q = Q, U = U, dfcom = 37,
  qbar = ps$qbar, ubar = ps$ubar, b = ps$b, t = ps$t, df = ps$df, r = ps$r, fmi = ps$fmi,
  df_inf = ps_inf$df, fmi_inf = ps_inf$fmi
)

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
           "tests/reference/fatalities.json")
