# R LCMCR on the Colombia stratum (20 lists, 982 people): K = 15, a = b = 0.25, one chain of 300,000 iterations
# (100,000 burn-in, then 20,000 samples thinned by 10). Prints the posterior median. Run from the repository root.
suppressMessages(library(LCMCR))
X <- read.csv("tests/data/mse/colombia_verdata_reclutamiento_R1_hombre_1999.csv")
lists <- setdiff(names(X), "count")
people <- X[rep(seq_len(nrow(X)), X$count), lists]
people[] <- lapply(people, factor, levels = c(0, 1))
sampler <- lcmCR(people, K = 15, a_alpha = 0.25, b_alpha = 0.25, seed = 123, buffer_size = 20000,
                 thinning = 10, verbose = FALSE)
N <- lcmCR_PostSampl(sampler, burnin = 100000, samples = 20000, thinning = 10, output = FALSE)
cat(median(N), "\n")
