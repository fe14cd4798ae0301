# dga bma.cr on Kosovo, delta = 1/16, prior 1/N, all decomposable graphs on 4 lists; prints the posterior median.
suppressMessages(library(dga))
X <- read.csv("tests/data/mse/kosovo_1999_lcmcr.csv")
Y <- array(0, dim = c(2, 2, 2, 2))
for (i in seq_len(nrow(X))) Y[X$EXH[i] + 1, X$ABA[i] + 1, X$OSCE[i] + 1, X$HRW[i] + 1] <- X$count[i]
data(graphs4)
Nmissing <- 0:60000
weights <- bma.cr(Y, Nmissing, 1 / 16, graphs4, log.prior.model.weights = NULL,
                  logprior = -log(sum(Y) + Nmissing))
post <- colSums(weights)
cat(sum(Y) + Nmissing[which(cumsum(post) > 0.5)[1]], "\n")
