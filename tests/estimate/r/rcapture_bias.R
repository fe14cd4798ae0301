# Rcapture 1.4-4 closedp.t on one pattern-count file of tests/data/mse: abundance, asymptotic bias, deviance, df,
# AIC, BIC, and whether Rcapture warns that the asymptotic bias is large, for every model.
# Run from the repository root: R_LIBS=<library with Rcapture> Rscript tests/estimate/r/rcapture_bias.R NAME
suppressMessages(library(Rcapture))
name <- commandArgs(trailingOnly = TRUE)[1]
X <- read.csv(file.path("tests/data/mse", paste0(name, ".csv")))
fit <- closedp.t(as.matrix(X), dfreq = TRUE)
warned <- sapply(fit$glm.warn, function(w) any(grepl("asymptotic bias is large", w)))  # named by short model codes
out <- data.frame(model = rownames(fit$results), abundance = fit$results[, "abundance"], bias = fit$bias,
                  deviance = fit$results[, "deviance"], df = fit$results[, "df"], AIC = fit$results[, "AIC"],
                  BIC = fit$results[, "BIC"], bias_warning = warned)
write.csv(out, stdout(), row.names = FALSE)
