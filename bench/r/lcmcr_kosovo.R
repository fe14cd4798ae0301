# R LCMCR on Kosovo at the settings of the package's example: K = 10, a = b = 0.25, 10,000 burn-in, 2,000
# samples thinned by 10, one chain. Prints the posterior median. Run from the repository root.
suppressMessages(library(LCMCR))
X <- read.csv("tests/data/mse/kosovo_1999_lcmcr.csv")
people <- X[rep(seq_len(nrow(X)), X$count), c("EXH", "ABA", "OSCE", "HRW")]
people[] <- lapply(people, factor, levels = c(0, 1))
sampler <- lcmCR(people, K = 10, a_alpha = 0.25, b_alpha = 0.25, seed = 123, buffer_size = 10000,
                 thinning = 10, verbose = FALSE)
N <- lcmCR_PostSampl(sampler, burnin = 10000, samples = 2000, thinning = 10, output = FALSE)
cat(median(N), "\n")
