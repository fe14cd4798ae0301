# Rcapture closedp.t on Kosovo (the 12 models, no intervals); prints Mth Chao's abundance.
suppressMessages(library(Rcapture))
X <- read.csv("tests/data/mse/kosovo_1999_lcmcr.csv")
fit <- closedp.t(as.matrix(X), dfreq = TRUE)
cat(fit$results["Mth Chao (LB)", "abundance"], "\n")
