# compare_series against R: deviance, logLik, glm.nb's SE.theta, and profile-likelihood
# intervals -- R's confint() (MASS profile.glm: theta fixed for glm.nb, quasi-Poisson deviance
# scaled by the dispersion, normal cutoff; a spline through the profile points) and the exact
# roots of the same profile statistic (uniroot), plus the likelihood-ratio p-value.
# Run: Rscript tests/reference/compare_series.R > tests/reference/compare_series.json
suppressMessages(library(MASS))
cases <- list(
  list(a = c(70, 80, 66, 90, 72, 79, 95, 40), b = c(55, 61, 70, 52, 63, 58, 30, 81)),
  list(a = c(12, 30, 4, 22, 9, 41, 17), b = c(8, 5, 19, 7, 11, 3, 6, 9, 14))
)
fmt <- function(x) if (is.na(x)) "NaN" else sprintf("%.12g", x)
out <- c()
for (cs in cases) {
  y <- c(cs$a, cs$b); x <- c(rep(1, length(cs$a)), rep(0, length(cs$b)))
  ctl <- glm.control(epsilon = 1e-14, maxit = 100)
  fits <- list(
    poisson = glm(y ~ x, family = poisson, control = ctl),
    `quasi-poisson` = glm(y ~ x, family = quasipoisson, control = ctl),
    negbin = glm.nb(y ~ x, control = ctl)
  )
  for (fam in names(fits)) {
    f <- fits[[fam]]
    phi <- summary(f)$dispersion
    ci <- suppressMessages(confint(f, "x"))
    if (fam == "negbin") {
      th <- f$theta
      nbfam <- negative.binomial(th)
      prof <- function(v) deviance(glm(y ~ 1, offset = v * x, family = nbfam, control = ctl))
    } else {
      prof <- function(v) deviance(glm(y ~ 1, offset = v * x, family = poisson, control = ctl))
    }
    stat <- function(v) (prof(v) - deviance(f)) / phi - qnorm(0.975)^2
    b <- coef(f)[["x"]]; se <- sqrt(vcov(f)["x", "x"])
    lo <- uniroot(stat, c(b - 10 * se, b), tol = 1e-13)$root
    hi <- uniroot(stat, c(b, b + 10 * se), tol = 1e-13)$root
    lr <- pchisq((prof(0) - deviance(f)) / phi, 1, lower.tail = FALSE)
    ll <- if (fam == "quasi-poisson") NA else as.numeric(logLik(f))
    setheta <- if (fam == "negbin") f$SE.theta else NA
    theta <- if (fam == "negbin") f$theta else NA
    out <- c(out, sprintf(paste0(
      '  {"counts1": [%s], "counts2": [%s], "family": "%s", "deviance": %s, "loglik": %s, ',
      '"theta": %s, "theta_se": %s, "confint_low": %s, "confint_high": %s, ',
      '"profile_low": %s, "profile_high": %s, "lr_pvalue": %s}'),
      paste(cs$a, collapse = ", "), paste(cs$b, collapse = ", "), fam, fmt(deviance(f)),
      fmt(ll), fmt(theta), fmt(setheta), fmt(exp(ci[1])), fmt(exp(ci[2])), fmt(exp(lo)),
      fmt(exp(hi)), fmt(lr)))
  }
}
cat('{\n "source": "Rscript tests/reference/compare_series.R (R 4.2.2, MASS): glm(y ~ x, poisson | quasipoisson), glm.nb(y ~ x); deviance(), logLik(), f$SE.theta; confint(f, \\"x\\") (MASS profile, spline); profile_low/high: uniroot of (deviance(glm(y ~ 1, offset = v * x, family)) - deviance(f)) / dispersion = qnorm(0.975)^2 with theta fixed for glm.nb; lr_pvalue: pchisq of the same statistic at v = 0",\n "cases": [\n')
cat(paste(out, collapse = ",\n"))
cat('\n ]\n}\n')
