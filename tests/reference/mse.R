# Generates tests/reference/mse.json. Run from the project root:
#   Rscript tests/reference/mse.R > tests/reference/mse.json
# Base R only. Every case carries the R code that produced it (the "source" field).
# two_list: the closed-form estimators and Chao's log-normal interval written out in R.
# loglinear: glm(family = poisson) on the observed cells of each table for each hierarchical
# model with pairwise interactions (and a few three-way models), the unobserved cell being
# exp(intercept); the profile-likelihood interval re-derived by fitting the same glm to the
# complete table with N - n in the unobserved cell (optimize + uniroot).
options(digits = 15)
cases <- character(0)
num <- function(x) if (is.infinite(x)) '"inf"' else if (is.na(x)) 'null' else sprintf("%.15g", x)
jstr <- function(s) paste0('"', gsub('"', '\\\\"', s), '"')
emit <- function(id, func, args_json, expected, source, tol) {
  e <- paste(sprintf('"%s": %s', names(expected), sapply(expected, num)), collapse = ", ")
  cases <<- c(cases, sprintf(
    '{"id": %s, "function": %s, "args": %s, "expected": {%s}, "tol": %s, "source": %s}',
    jstr(id), jstr(func), args_json, e, num(tol), jstr(source)))
}

# --- two lists ------------------------------------------------------------------------------
chao_ci <- "c(obs + f0 / exp(qnorm(0.975) * sqrt(log(1 + v / f0^2))), obs + f0 * exp(qnorm(0.975) * sqrt(log(1 + v / f0^2))))"
tl <- list(c(135, 122, 49), c(135, 126, 45), c(122, 126, 46), c(200, 150, 30), c(40, 35, 0),
           c(12, 9, 3), c(1000, 800, 650), c(50, 60, 10))
for (s in tl) {
  n1 <- s[1]; n2 <- s[2]; m <- s[3]; obs <- n1 + n2 - m
  est <- (n1 + 1) * (n2 + 1) / (m + 1) - 1
  v <- (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1)^2 * (m + 2))
  f0 <- est - obs
  ci <- eval(parse(text = chao_ci))
  src <- sprintf(paste0("n1 <- %g; n2 <- %g; m <- %g; obs <- n1 + n2 - m; ",
    "est <- (n1 + 1) * (n2 + 1) / (m + 1) - 1  # Chapman (1951); ",
    "v <- (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1)^2 * (m + 2))  # Seber (1970); ",
    "f0 <- est - obs; %s  # Chao (1987)"), n1, n2, m, chao_ci)
  emit(sprintf("chapman_%g_%g_%g", n1, n2, m), "two_list",
       sprintf('{"n1": %g, "n2": %g, "m": %g, "method": "chapman"}', n1, n2, m),
       c(estimate = est, se = sqrt(v), ci_low = ci[1], ci_high = ci[2]), src, 1e-10)
  if (m > 0) {
    est <- n1 * n2 / m
    v <- n1 * n2 * (n1 - m) * (n2 - m) / m^3
    f0 <- est - obs
    ci <- eval(parse(text = chao_ci))
    src <- sprintf(paste0("n1 <- %g; n2 <- %g; m <- %g; obs <- n1 + n2 - m; est <- n1 * n2 / m; ",
      "v <- n1 * n2 * (n1 - m) * (n2 - m) / m^3  # Seber (1982) eq. 3.2; f0 <- est - obs; %s"),
      n1, n2, m, chao_ci)
    emit(sprintf("lp_%g_%g_%g", n1, n2, m), "two_list",
         sprintf('{"n1": %g, "n2": %g, "m": %g, "method": "lincoln-petersen"}', n1, n2, m),
         c(estimate = est, se = sqrt(v), ci_low = ci[1], ci_high = ci[2]), src, 1e-10)
  }
}

# --- log-linear models ----------------------------------------------------------------------
profile_ci <- function(form, obsd, k, z0) {
  n <- sum(obsd$count)
  zero <- as.data.frame(matrix(0, 1, k, dimnames = list(NULL, LETTERS[1:k])))
  zero$count <- 0
  full <- rbind(zero, obsd)
  ll <- function(N) {
    full$count[1] <- N - n
    fit <- suppressWarnings(glm(form, family = poisson, data = full,
                                control = glm.control(epsilon = 1e-13, maxit = 200)))
    mu <- fitted(fit); y <- full$count
    lgamma(N + 1) - lgamma(N - n + 1) - N * log(N) + sum(ifelse(y > 0, y * log(mu), 0))
  }
  q <- qchisq(0.95, 1)
  top <- n + z0
  while (ll(top) > ll(n + z0) - q) top <- n + 2 * (top - n)
  opt <- optimize(ll, c(n, top), maximum = TRUE, tol = 1e-9)
  target <- opt$objective - q / 2
  low <- if (ll(n) > target) n else uniroot(function(N) ll(N) - target, c(n, opt$maximum), tol = 1e-10)$root
  high <- uniroot(function(N) ll(N) - target, c(opt$maximum, top), tol = 1e-10)$root
  c(low, high)
}
model_name <- function(pairs, k) {
  covered <- unique(unlist(strsplit(pairs, "")))
  gens <- c(pairs, setdiff(LETTERS[1:k], covered))
  paste0("[", sort(gens, method = "radix"), "]", collapse = "")
}
fit_models <- function(dataset, file, k, models, profile) {
  raw <- read.csv(file)
  obsd <- raw[, c(seq_len(k), ncol(raw))]
  names(obsd) <- c(LETTERS[1:k], "count")
  for (terms in models) {
    rhs <- paste(c(LETTERS[1:k], vapply(terms, function(t) paste(strsplit(t, "")[[1]], collapse = ":"), "")),
                 collapse = " + ")
    form <- as.formula(paste("count ~", rhs))
    fit <- glm(form, family = poisson, data = obsd, control = glm.control(epsilon = 1e-13, maxit = 200))
    z0 <- exp(unname(coef(fit)[1]))
    pairs <- terms[nchar(terms) == 2]
    name <- if (any(nchar(terms) > 2)) attr(terms, "name") else model_name(pairs, k)
    src <- sprintf("d <- read.csv('%s'); names(d) <- c(LETTERS[1:%d], 'count'); fit <- glm(%s, family = poisson, data = d, control = glm.control(epsilon = 1e-13, maxit = 200)); c(exp(coef(fit)[1]), deviance(fit), AIC(fit))",
                   sub("^.*/data/", "data/", file), k, paste("count ~", rhs))
    expected <- c(missing = z0, deviance = deviance(fit), aic = AIC(fit))
    if (profile) {
      ci <- profile_ci(form, obsd, k, z0)
      expected <- c(expected, ci_low = ci[1], ci_high = ci[2])
      src <- paste0(src, "; profile-likelihood CI: profile_ci() in tests/reference/mse.R (glm on the complete table with N - n in the unobserved cell, optimize + uniroot)")
    }
    emit(sprintf("%s_%s%s", dataset, name, if (profile) "_profile" else ""), "loglinear",
         sprintf('{"dataset": %s, "model": %s}', jstr(dataset), jstr(name)),
         expected, src, 1e-6)
  }
}
pair_models <- function(k) {
  pairs <- combn(LETTERS[1:k], 2, paste, collapse = "")
  out <- list()
  for (r in 0:length(pairs)) for (idx in combn(length(pairs), r, simplify = FALSE)) {
    out[[length(out) + 1]] <- if (r == 0) character(0) else pairs[idx]
  }
  out
}
fit_models("hav", "data/capture_recapture/hav_taiwan_1995_3lists.csv", 3, pair_models(3), TRUE)
kos <- pair_models(4)
fit_models("kosovo", "data/capture_recapture/kosovo_1999_capture_patterns.csv", 4, kos, FALSE)
fit_models("kosovo", "data/capture_recapture/kosovo_1999_capture_patterns.csv", 4,
           kos[c(1, 2, 8, 30, 64)], TRUE)
three <- list(structure(c("AB", "AC", "BC", "ABC"), name = "[ABC][D]"),
              structure(c("AB", "AC", "BC", "AD", "BD", "ABC", "ABD"), name = "[ABC][ABD]"),
              structure(c("AB", "AC", "BC", "AD", "BD", "CD", "ABC"), name = "[ABC][AD][BD][CD]"))
fit_models("kosovo", "data/capture_recapture/kosovo_1999_capture_patterns.csv", 4, three, FALSE)
cong <- pair_models(5)
set.seed(20261125)
fit_models("congenital", "data/capture_recapture/congenital_anomaly_massachusetts_5lists.csv", 5,
           c(cong[c(1, 2, 1024)], cong[sample(3:1023, 20)]), FALSE)
fit_models("congenital", "data/capture_recapture/congenital_anomaly_massachusetts_5lists.csv", 5,
           cong[c(1, 12, 300)], TRUE)

cat('{\n  "description": "Reference values for conflictstats.mse: closed-form two-list estimators written out in R, and R glm(family = poisson) fits of hierarchical log-linear models (unobserved cell = exp(intercept), deviance, AIC) with profile-likelihood intervals re-derived in R.",\n')
cat(sprintf('  "generator": "Rscript tests/reference/mse.R (%s)",\n', R.version.string))
cat('  "cases": [\n    ', paste(cases, collapse = ",\n    "), '\n  ]\n}\n', sep = "")
