# Reference values for tests/test_panel.py, written to tests/reference/panel.json.
# Run from the project root:  Rscript tests/reference/panel.R
# Data: a small ragged panel of five monthly series from R's datasets package:
#   Seatbelts[, "DriversKilled"], Seatbelts[, "front"], Seatbelts[, "rear"] (January 1969 to
#   December 1984) and mdeaths, fdeaths (January 1974 to December 1979).
# Model for every series: count ~ t + month-of-year + offset(log(days in month)), where
#   t = months since January 1969 (the panel's first month) / 12 and January is the
#   reference month. The counts are written into the JSON so the tests do not need R.
suppressPackageStartupMessages(library(MASS))
num <- function(x) unname(as.numeric(x))

series <- list(
  DriversKilled = list(y = num(Seatbelts[, "DriversKilled"]), start = c(1969, 1)),
  front = list(y = num(Seatbelts[, "front"]), start = c(1969, 1)),
  rear = list(y = num(Seatbelts[, "rear"]), start = c(1969, 1)),
  mdeaths = list(y = num(mdeaths), start = c(1974, 1)),
  fdeaths = list(y = num(fdeaths), start = c(1974, 1))
)
tight <- glm.control(epsilon = 1e-12, maxit = 200)

# NB2 log-likelihood gradient in (beta, alpha), for the full observed Hessian by central
# differences of the analytic gradient (optimHess); statsmodels' NegativeBinomial reports
# the mean-parameter SEs from this Hessian, MASS::glm.nb from the GLM with theta fixed.
nb_grad <- function(par, y, X, off) {
  k <- ncol(X)
  beta <- par[1:k]
  a <- par[k + 1]
  mu <- exp(drop(X %*% beta) + off)
  gb <- drop(crossprod(X, (y - mu) / (1 + a * mu)))
  ga <- sum((log(1 + a * mu) - digamma(y + 1 / a) + digamma(1 / a)) / a^2 +
              (y - mu) / (a * (1 + a * mu)))
  -c(gb, ga)
}
nb_nll <- function(par, y, X, off) {
  k <- ncol(X)
  mu <- exp(drop(X %*% par[1:k]) + off)
  -sum(dnbinom(y, size = 1 / par[k + 1], mu = mu, log = TRUE))
}

cases <- list()
for (name in names(series)) {
  s <- series[[name]]
  n <- length(s$y)
  k0 <- (s$start[1] - 1969) * 12 + (s$start[2] - 1)       # months since January 1969
  k <- k0 + 0:(n - 1)
  first <- as.Date(sprintf("%d-%02d-01", s$start[1], s$start[2]))
  edges <- seq(first, by = "month", length.out = n + 1)
  d <- data.frame(y = s$y, t = k / 12, month = factor(k %% 12 + 1, levels = 1:12),
                  days = as.numeric(diff(edges)))
  f <- y ~ t + month + offset(log(days))
  pois <- glm(f, family = poisson, data = d, control = tight)
  quasi <- glm(f, family = quasipoisson, data = d, control = tight)
  nb <- glm.nb(f, data = d, control = glm.control(epsilon = 1e-10, maxit = 200))
  X <- model.matrix(~ t + month, data = d)
  off <- log(d$days)
  par <- c(coef(nb), 1 / nb$theta)
  H <- optimHess(par, nb_nll, nb_grad, y = d$y, X = X, off = off,
                 control = list(ndeps = rep(1e-5, length(par))))
  nb_se <- sqrt(diag(solve(H)))[seq_len(ncol(X))]
  cases[[name]] <- list(
    start = sprintf("%d-%02d", s$start[1], s$start[2]),
    counts = s$y,
    days = d$days,
    poisson = list(
      source = "glm(y ~ t + month + offset(log(days)), family = poisson, control = glm.control(epsilon = 1e-12, maxit = 200))",
      coef = num(coef(pois)), se = num(sqrt(diag(vcov(pois))))),
    quasipoisson = list(
      source = "glm(y ~ t + month + offset(log(days)), family = quasipoisson, control = glm.control(epsilon = 1e-12, maxit = 200)); dispersion = summary(fit)$dispersion",
      coef = num(coef(quasi)), se = num(sqrt(diag(vcov(quasi)))),
      dispersion = summary(quasi)$dispersion),
    negbin = list(
      source = "MASS::glm.nb(y ~ t + month + offset(log(days)), control = glm.control(epsilon = 1e-10, maxit = 200)); alpha = 1/theta; se = mean-parameter block of solve(optimHess(c(coef, alpha), NB2 negative log-likelihood, its analytic gradient, ndeps = 1e-5)), the full observed information including alpha",
      coef = num(coef(nb)), alpha = 1 / nb$theta, se_full_hessian = num(nb_se),
      se_glm_nb = num(sqrt(diag(vcov(nb)))))
  )
}

out <- list(
  generated_by = "Rscript tests/reference/panel.R",
  r_version = R.version.string,
  terms = c("intercept", "trend", paste0("month[", month.abb[2:12], "]")),
  cases = cases
)
# A minimal JSON writer (no packages needed): named lists become objects, numeric and
# character vectors of length > 1 arrays, numbers written with 17 significant digits.
json <- function(x) {
  if (is.list(x)) {
    body <- vapply(x, json, character(1))
    if (is.null(names(x))) return(paste0("[", paste(body, collapse = ", "), "]"))
    return(paste0("{", paste0("\n\"", names(x), "\": ", body, collapse = ","), "\n}"))
  }
  v <- if (is.character(x)) paste0("\"", gsub("\"", "\\\\\"", x), "\"")
       else trimws(formatC(x, digits = 17, format = "g"))
  if (length(v) == 1) v else paste0("[", paste(v, collapse = ", "), "]")
}
writeLines(json(out), "tests/reference/panel.json")
