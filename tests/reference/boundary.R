# Profile-likelihood bound of a trend-model coefficient at the boundary of the parameter
# space: every month after the break is 0, so the level change tends to minus infinity.
# The profile deviance at level = v refits the other coefficients with v * level as offset
# (R's glm runs a separated fit to its limit deviance); the bound solves
# dev(v) - dev(full) = qchisq(0.95, 1) (times the quasi-Poisson dispersion).
# Run: Rscript tests/reference/boundary.R  (R 4.2.2)
y <- c(5, 3, 6, 4, 7, 5, 0, 0, 0, 0, 0, 0)
k <- 0:11
d <- data.frame(y = y, t = k / 12, lev = as.numeric(k >= 6), slope = pmax(k - 6, 0) / 12)
ctl <- glm.control(epsilon = 1e-14, maxit = 200)
full <- suppressWarnings(glm(y ~ t + lev + slope, family = poisson, data = d, control = ctl))
prof <- function(v) deviance(suppressWarnings(glm(y ~ t + slope, offset = v * lev,
                                                   family = poisson, data = d, control = ctl)))
bound <- function(crit) uniroot(function(v) prof(v) - deviance(full) - crit, c(-10, 5),
                                tol = 1e-12)$root
phi <- summary(suppressWarnings(glm(y ~ t + lev + slope, family = quasipoisson, data = d,
                                    control = ctl)))$dispersion
cat(sprintf(paste0('{"intercept": %.10f, "trend": %.10f, "level_high_95": %.10f, ',
                   '"level_high_90": %.10f, "phi": %.10f, "level_high_95_quasi": %.10f}\n'),
            coef(full)[1], coef(full)[2], bound(qchisq(0.95, 1)), bound(qchisq(0.90, 1)),
            phi, bound(qchisq(0.95, 1) * phi)))

# near_separation: twenty zeros then two ones. The MLE exists (both ones cannot be fitted by a
# steeper curve), so no month is separated although the first fitted means are ~1e-10.
y2 <- c(rep(0, 20), 1, 1)
f2 <- glm(y2 ~ I((0:21) / 12), family = poisson, control = ctl)
cat(sprintf('{"near_separation": {"estimate": [%.8f, %.8f], "se": [%.8f, %.8f]}}\n',
            coef(f2)[1], coef(f2)[2], sqrt(diag(vcov(f2)))[1], sqrt(diag(vcov(f2)))[2]))
