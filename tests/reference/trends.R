# Reference values for tests/test_trends.py, written to tests/reference/trends.json.
# Run from the project root:  Rscript tests/reference/trends.R
# Data: R's datasets UKDriverDeaths and Seatbelts (monthly, January 1969 to December 1984);
# the values are written into the JSON so the tests do not need R.
suppressPackageStartupMessages(library(MASS))

num <- function(x) unname(as.numeric(x))

y_sb <- num(Seatbelts[, "DriversKilled"])
law <- num(Seatbelts[, "law"])
y_uk <- num(UKDriverDeaths)
n <- length(y_sb)
k <- 0:(n - 1)
t <- k / 12                                   # years since January 1969
month <- factor(rep(1:12, length.out = n))    # month of year, January the reference level
law_k <- which(law == 1)[1] - 1               # February 1983: the seat-belt law
level <- as.numeric(k >= law_k)
slope <- pmax(k - law_k, 0) / 12              # years since the break
edges <- seq(as.Date("1969-01-01"), by = "month", length.out = n + 1)
days <- as.numeric(diff(edges))

# 12 months after the series, for predict()
kn <- n:(n + 11)
nd <- data.frame(t = kn / 12, month = factor(rep(1:12, length.out = 12), levels = 1:12),
                 level = 1, slope = (kn - law_k) / 12,
                 days = as.numeric(diff(seq(as.Date("1985-01-01"), by = "month", length.out = 13))))

tight <- glm.control(epsilon = 1e-12, maxit = 200)

coef_table <- function(fit, quasi = FALSE) {
  s <- summary(fit)
  cf <- coef(s)
  q <- if (quasi) qt(0.975, fit$df.residual) else qnorm(0.975)
  list(names = rownames(cf), coef = num(cf[, 1]), se = num(cf[, 2]),
       pvalue = num(cf[, 4]), ci_low = num(cf[, 1] - q * cf[, 2]),
       ci_high = num(cf[, 1] + q * cf[, 2]))
}

cases <- list()
f_sb <- DriversKilled ~ t + month + level + slope + offset(log(days))
dsb <- data.frame(DriversKilled = y_sb, t = t, month = month, level = level, slope = slope,
                  days = days)

fit <- glm(f_sb, family = poisson, data = dsb, control = tight)
cases$seatbelts_poisson <- c(list(
  source = "glm(DriversKilled ~ t + month + level + slope + offset(log(days)), family = poisson, control = glm.control(epsilon = 1e-12, maxit = 200)); CI coef +- qnorm(0.975) * se",
  series = "seatbelts", family = "poisson", seasonality = TRUE, exposure = "days",
  breaks = list("1983-02-01"), deviance = deviance(fit), dispersion = 1), coef_table(fit))

fit <- glm(f_sb, family = quasipoisson, data = dsb, control = tight)
cases$seatbelts_quasipoisson <- c(list(
  source = "glm(DriversKilled ~ t + month + level + slope + offset(log(days)), family = quasipoisson, control = glm.control(epsilon = 1e-12, maxit = 200)); CI coef +- qt(0.975, df.residual) * se",
  series = "seatbelts", family = "quasi-poisson", seasonality = TRUE, exposure = "days",
  breaks = list("1983-02-01"), deviance = deviance(fit),
  dispersion = summary(fit)$dispersion), coef_table(fit, quasi = TRUE))

fit <- glm.nb(f_sb, data = dsb, control = tight)
p <- predict(fit, newdata = nd, type = "link", se.fit = TRUE)
cases$seatbelts_negbin <- c(list(
  source = "MASS::glm.nb(DriversKilled ~ t + month + level + slope + offset(log(days)), control = glm.control(epsilon = 1e-12, maxit = 200)); CI coef +- qnorm(0.975) * se; predict(fit, newdata = 12 months of 1985, type = 'link', se.fit = TRUE)",
  series = "seatbelts", family = "negbin", seasonality = TRUE, exposure = "days",
  breaks = list("1983-02-01"), theta = fit$theta, theta_se = fit$SE.theta,
  twologlik = fit$twologlik, deviance = deviance(fit),
  forecast_link = num(p$fit), forecast_link_se = num(p$se.fit)), coef_table(fit))

duk <- data.frame(y = y_uk, t = t, month = month)
fit <- glm.nb(y ~ t, data = duk, control = tight)
cases$ukdriverdeaths_negbin_linear <- c(list(
  source = "MASS::glm.nb(UKDriverDeaths ~ t, control = glm.control(epsilon = 1e-12, maxit = 200)); CI coef +- qnorm(0.975) * se",
  series = "ukdriverdeaths", family = "negbin", seasonality = FALSE, exposure = NULL,
  breaks = list(), theta = fit$theta, theta_se = fit$SE.theta, twologlik = fit$twologlik,
  annual_change_percent = 100 * (exp(coef(fit)[["t"]]) - 1),
  annual_change_ci = num(100 * (exp(coef(fit)[["t"]] + c(-1, 1) * qnorm(0.975) *
                                  sqrt(vcov(fit)["t", "t"])) - 1))), coef_table(fit))

fit <- glm(y ~ t + month, family = poisson, data = duk, control = tight)
cases$ukdriverdeaths_poisson_seasonal <- c(list(
  source = "glm(UKDriverDeaths ~ t + month, family = poisson, control = glm.control(epsilon = 1e-12, maxit = 200)); CI coef +- qnorm(0.975) * se",
  series = "ukdriverdeaths", family = "poisson", seasonality = TRUE, exposure = NULL,
  breaks = list(), deviance = deviance(fit), dispersion = 1), coef_table(fit))

# Mann-Kendall: base R's Kendall correlation of the series with time; with no ties in time its
# variance is the Mann-Kendall variance with the tie correction for the series.
mk <- function(x) {
  ct <- cor.test(x, seq_along(x), method = "kendall", exact = FALSE, continuity = TRUE)
  s <- sum(sign(outer(x, x, "-"))[upper.tri(diag(length(x)))] * -1)
  list(z = num(ct$statistic), pvalue = ct$p.value, s = s, tau = num(ct$estimate))
}
short <- y_sb[1:36]
short_ties <- c(3, 5, 5, 2, 7, 7, 7, 4, 9, 6, 6, 10, 8, 8, 12, 11, 9, 13, 13, 12)
mk_cases <- list(
  ukdriverdeaths = c(list(x = y_uk, source = "cor.test(x, seq_along(x), method = 'kendall', exact = FALSE, continuity = TRUE); S = sum over i<j of sign(x[j] - x[i])"), mk(y_uk)),
  seatbelts_first36 = c(list(x = short, source = "as above, DriversKilled[1:36]"), mk(short)),
  hand_ties = c(list(x = short_ties, source = "as above, a hand-written series with ties"), mk(short_ties)))

# Sen's slope: median of pairwise slopes; Gilbert (1987, sec. 16.5) interval from the
# Mann-Kendall variance with ties.
sen <- function(x, conf = 0.95) {
  n <- length(x)
  ij <- which(upper.tri(diag(n)), arr.ind = TRUE)
  i <- ij[, 1]; j <- ij[, 2]
  sl <- sort((x[j] - x[i]) / (j - i))
  N <- length(sl)
  tt <- table(x); tt <- tt[tt > 1]
  v <- (n * (n - 1) * (2 * n + 5) - sum(tt * (tt - 1) * (2 * tt + 5))) / 18
  C <- qnorm(1 - (1 - conf) / 2) * sqrt(v)
  m1 <- (N - C) / 2; m2 <- (N + C) / 2
  list(slope = median(sl), ci_low = sl[round(m1)], ci_high = sl[round(m2) + 1])
}
sen_cases <- list(
  ukdriverdeaths = c(list(x = y_uk, source = "median(pairwise slopes); interval: sorted slopes at positions round((N - C)/2) and round((N + C)/2) + 1, C = qnorm(0.975) * sqrt(var S with ties) (Gilbert 1987)"), sen(y_uk)),
  hand_ties = c(list(x = short_ties, source = "as above"), sen(short_ties)))

# Seasonal Mann-Kendall (Hirsch, Slack & Smith 1982): S and var(S) summed over months.
smk <- function(x, period = 12) {
  g <- rep(1:period, length.out = length(x))
  S <- 0; V <- 0
  for (m in 1:period) {
    xm <- x[g == m]; nm <- length(xm)
    if (nm < 2) next
    S <- S + sum(sign(outer(xm, xm, "-"))[upper.tri(diag(nm))] * -1)
    tt <- table(xm); tt <- tt[tt > 1]
    V <- V + (nm * (nm - 1) * (2 * nm + 5) - sum(tt * (tt - 1) * (2 * tt + 5))) / 18
  }
  z <- (S - sign(S)) / sqrt(V)
  list(s = S, var_s = V, z = z, pvalue = 2 * pnorm(-abs(z)))
}
smk_cases <- list(ukdriverdeaths = c(list(x = y_uk, source = "seasonal Mann-Kendall by hand in R: S and var(S) (with ties) summed over the 12 months; z = (S - sign(S)) / sqrt(var S)"), smk(y_uk)))

out <- list(
  generated_by = "Rscript tests/reference/trends.R",
  r_version = R.version.string,
  data = list(seatbelts_drivers_killed = y_sb, seatbelts_law = law,
              ukdriverdeaths = y_uk, start = "1969-01", days = days),
  glm = cases, mann_kendall = mk_cases, sen_slope = sen_cases, seasonal_mann_kendall = smk_cases)

# A small JSON writer (jsonlite is not installed): numbers with 17 significant digits.
to_json <- function(x, indent = "") {
  inner <- paste0(indent, "  ")
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    items <- vapply(x, to_json, "", indent = inner)
    if (!is.null(names(x))) {
      items <- paste0('"', names(x), '": ', items)
      return(paste0("{\n", inner, paste(items, collapse = paste0(",\n", inner)), "\n", indent, "}"))
    }
    return(paste0("[", paste(items, collapse = ", "), "]"))
  }
  if (is.character(x)) {
    v <- paste0('"', gsub('"', '\\\\"', x), '"')
  } else if (is.logical(x)) {
    v <- ifelse(x, "true", "false")
  } else {
    v <- formatC(x, digits = 17, format = "g")
    v <- gsub(" ", "", v)
  }
  if (length(x) == 1 && is.null(attr(x, "as_array"))) return(v)
  paste0("[", paste(v, collapse = ", "), "]")
}
arr <- function(x) { attr(x, "as_array") <- TRUE; x }
out$glm <- lapply(out$glm, function(case) { for (nm in c("names", "coef", "se", "pvalue", "ci_low", "ci_high", "forecast_link", "forecast_link_se", "annual_change_ci")) if (!is.null(case[[nm]])) case[[nm]] <- arr(case[[nm]]); case })
writeLines(to_json(out), "tests/reference/trends.json")
