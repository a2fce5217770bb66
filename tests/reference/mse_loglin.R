# Generates tests/reference/mse_loglin.json. Run from the project root:
#   Rscript tests/reference/mse_loglin.R > tests/reference/mse_loglin.json
# R with jsonlite and Rcapture. Every case carries the R code that produced it ("source").
#  * coefficients: summary(glm(count ~ <lists> + <interactions>, family = poisson, data = d))
#    on the observed cells, 0/1 numeric list columns named as in the data file: R's term
#    names, estimates, standard errors, z values and p-values; BIC(fit) (log of the number of
#    cells) and Rcapture's BIC (log of the number observed, AIC + (log n - 2) * rank).
#  * rcapture: Rcapture's closedpCI.t (Baillargeon and Rivest 2007) for the independence model
#    (m = "Mt") and hierarchical models given by name (mX = "[12,13,3]"): the Poisson abundance
#    and its standard error (results), and the multinomial abundance with its profile
#    likelihood interval (CI), with a tolerance per value ("tol"). closedpCI.t maximises Cormack's (1992) profile multinomial
#    likelihood with optimize(tol = 1e-4), and above N = 100 its correction term uses
#    Stirling's formula in place of lgamma: its multinomial numbers hold to about 1e-4
#    relative. The same maximiser with lgamma, as the root of the profile's derivative, is
#    re-derived in multinomial_mle() below (tolerance 1e-9).
suppressMessages({library(jsonlite); library(Rcapture)})
options(digits = 15)
cases <- list()
add <- function(case) cases[[length(cases) + 1]] <<- case
ctl <- "glm.control(epsilon = 1e-13, maxit = 200)"
files <- c(hav = "data/capture_recapture/hav_taiwan_1995_3lists.csv",
           kosovo = "data/capture_recapture/kosovo_1999_capture_patterns.csv",
           congenital = "data/capture_recapture/congenital_anomaly_massachusetts_5lists.csv")

# a model in the project's bracket notation -> R formula terms with the lists' names, the
# interactions written in the canonical order (by order, then by the lists' order)
formula_rhs <- function(model, lists) {
  gens <- regmatches(model, gregexpr("[A-Z]+", model))[[1]]
  idx <- list()
  for (g in gens) {
    i <- sort(match(strsplit(g, "")[[1]], LETTERS))
    if (length(i) >= 2) for (r in 2:length(i)) idx <- c(idx, combn(i, r, simplify = FALSE))
  }
  idx <- unique(idx)
  key <- vapply(idx, function(i) sprintf("%d:%s", length(i), paste(sprintf("%02d", i), collapse = "")), "")
  idx <- idx[order(key)]
  terms <- vapply(idx, function(i) paste(sprintf("`%s`", lists[i]), collapse = ":"), "")
  paste(c(sprintf("`%s`", lists), terms), collapse = " + ")
}
# a model in bracket notation -> Rcapture's hierarchical model name ("[12,13,3]")
rcapture_name <- function(model) {
  gens <- regmatches(model, gregexpr("[A-Z]+", model))[[1]]
  paste0("[", paste(vapply(gens, function(g) paste(match(strsplit(g, "")[[1]], LETTERS), collapse = ""), ""), collapse = ","), "]")
}

coefficient_cases <- function(dataset, file, models, rename = NULL) {
  d <- read.csv(file, check.names = FALSE)
  if (!is.null(rename)) names(d)[seq_along(rename)] <- rename
  lists <- names(d)[seq_len(ncol(d) - 1)]
  for (model in models) {
    rhs <- formula_rhs(model, lists)
    fit <- glm(as.formula(paste("count ~", rhs)), family = poisson, data = d,
               control = glm.control(epsilon = 1e-13, maxit = 200))
    s <- coef(summary(fit))
    src <- sprintf(paste0("d <- read.csv('%s', check.names = FALSE)%s; ",
                          "fit <- glm(count ~ %s, family = poisson, data = d, control = %s); ",
                          "coef(summary(fit)); BIC(fit); AIC(fit) + (log(sum(d$count)) - 2) * length(coef(fit))"),
                   file, if (is.null(rename)) "" else sprintf("; names(d)[1:%d] <- %s", length(rename), deparse(rename)),
                   rhs, ctl)
    add(list(id = sprintf("coef_%s_%s%s", dataset, model, if (is.null(rename)) "" else "_renamed"),
             "function" = "coefficients",
             args = list(dataset = dataset, model = model, lists = lists),
             expected = list(terms = rownames(s), estimate = unname(s[, 1]), se = unname(s[, 2]),
                             z = unname(s[, 3]), pvalue = unname(s[, 4]),
                             bic_cells = BIC(fit),
                             bic_observed = AIC(fit) + (log(sum(d$count)) - 2) * length(coef(fit)),
                             n_cells = nobs(fit)),
             tol = 1e-7, source = src))
  }
}
coefficient_cases("hav", files["hav"], c("[A][B][C]", "[AB][C]", "[AC][B]", "[A][BC]",
                                         "[AB][AC]", "[AB][BC]", "[AC][BC]", "[AB][AC][BC]"))
coefficient_cases("hav", files["hav"], c("[AB][C]", "[AB][AC][BC]"),
                  rename = c("serum tests", "quarantine", "epi.records"))
coefficient_cases("kosovo", files["kosovo"], c("[A][B][C][D]", "[AB][C][D]", "[AB][AC][BD][CD]",
                                               "[ABC][D]", "[ABC][AD][BD][CD]"))
coefficient_cases("congenital", files["congenital"], c("[A][B][C][D][E]", "[AB][CD][E]",
                                                       "[AB][AC][BC][DE]", "[ABC][DE]"))

# ---- Rcapture --------------------------------------------------------------------------------
multinomial_mle <- function(d, model, Npois) {
  # Cormack's (1992) profile multinomial log-likelihood with lgamma, maximised tightly
  k <- ncol(d) - 1
  lists <- names(d)[1:k]
  n <- sum(d$count)
  zero <- d[1, ]; zero[1, ] <- 0
  full <- rbind(zero, d)
  form <- as.formula(paste("count ~", formula_rhs(model, lists)))
  # the profile is too flat at its top for optimize() to place the maximum closer than
  # about 1e-6 relative: find the root of its derivative instead, which by the envelope
  # theorem is digamma(N + 1) - digamma(N - n + 1) - log(N) + log(fitted unobserved cell)
  dll <- function(N) {
    full$count[1] <- N - n
    fit <- suppressWarnings(glm(form, family = poisson, data = full,
                                control = glm.control(epsilon = 1e-14, maxit = 200)))
    digamma(N + 1) - digamma(N - n + 1) - log(N) + log(fitted(fit)[1])
  }
  uniroot(dll, c(n + 1e-6, 1.5 * Npois), tol = 1e-12 * Npois)$root
}
rcapture_cases <- function(dataset, file, models) {
  d <- read.csv(file, check.names = FALSE)
  for (model in models) {
    indep <- !grepl("[A-Z]{2}", model)
    call <- if (indep) 'm = "Mt"' else sprintf('mX = "%s"', rcapture_name(model))
    ci <- eval(parse(text = sprintf(
      "closedpCI.t(d, dfreq = TRUE, %s, control = glm.control(epsilon = 1e-13, maxit = 200))", call)))
    stopifnot(ci$CI[1, "infoCI"] == 0, ci$results[1, "infoFit"] %in% c(0, 1))
    Npois <- ci$results[1, "abundance"]
    src <- sprintf(paste0("library(Rcapture); d <- read.csv('%s', check.names = FALSE); ",
                          "r <- closedpCI.t(d, dfreq = TRUE, %s, control = glm.control(epsilon = 1e-13, maxit = 200)); ",
                          "r$results[, c('abundance', 'stderr', 'BIC')]; r$CI[, c('abundance', 'infCL', 'supCL')]  # Rcapture %s"),
                   file, call, packageVersion("Rcapture"))
    add(list(id = sprintf("rcapture_%s_%s", dataset, model), "function" = "rcapture",
             args = list(dataset = dataset, model = model),
             expected = list(poisson = Npois, stderr = ci$results[1, "stderr"],
                             bic = ci$results[1, "BIC"],
                             multinomial = ci$CI[1, "abundance"],
                             ci_low = ci$CI[1, "infCL"], ci_high = ci$CI[1, "supCL"]),
             tol = list(poisson = 1e-7, stderr = 1e-6, bic = 1e-7, multinomial = 1e-4,
                        ci_low = 1e-4, ci_high = 1e-4),
             source = src))
    mle <- multinomial_mle(d, model, Npois)
    add(list(id = sprintf("multinomial_%s_%s", dataset, model), "function" = "multinomial",
             args = list(dataset = dataset, model = model),
             expected = list(multinomial = mle), tol = 1e-9,
             source = sprintf(paste0("multinomial_mle(read.csv('%s', check.names = FALSE), '%s', %.10g) in tests/reference/mse_loglin.R: ",
                                     "uniroot(tol = 1e-12 N) over (n, 1.5 N-hat) of the derivative of the profile lgamma(N + 1) - lgamma(N - n + 1) - N log N + sum(y log mu), ",
                                     "digamma(N + 1) - digamma(N - n + 1) - log N + log mu_0, ",
                                     "mu the glm(count ~ %s, family = poisson) fit to the complete table with N - n in the unobserved cell"),
                              file, model, Npois, formula_rhs(model, names(d)[seq_len(ncol(d) - 1)]))))
  }
}
rcapture_cases("hav", files["hav"], c("[A][B][C]", "[AB][C]", "[AB][AC]", "[AC][BC]", "[AB][AC][BC]"))
rcapture_cases("kosovo", files["kosovo"], c("[A][B][C][D]", "[AB][C][D]", "[AB][AC][BD][CD]",
                                            "[ABC][D]", "[AB][AC][AD][BC][BD][CD]"))
rcapture_cases("congenital", files["congenital"], c("[A][B][C][D][E]", "[AB][CD][E]", "[AB][AC][BC][DE]"))

out <- list(description = paste(
  "Reference values for conflictstats.mse.loglinear's coefficients, BIC sample size and",
  "conditional multinomial abundance: R glm(family = poisson) on the observed cells,",
  "R's BIC(), Rcapture's closedpCI.t, and Cormack's profile multinomial likelihood maximised in R."),
  generator = sprintf("Rscript tests/reference/mse_loglin.R (%s, Rcapture %s, jsonlite %s)",
                      R.version.string, packageVersion("Rcapture"), packageVersion("jsonlite")),
  cases = cases)
cat(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "\n")
