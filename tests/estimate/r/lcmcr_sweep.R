# R LCMCR 0.4.14 at its own settings (K = 10, Gamma(0.25, 0.25) prior on alpha, burn-in 10,000, then 2,000 draws
# thinned by 10: 30,000 iterations), one chain per seed, on the pattern-count files of tests/data/mse (stratum
# columns summed over). Prints one CSV row per data set and seed: posterior median, 2.5% and 97.5% quantiles and
# mean of N, and the seconds the chain took. lcmcr_sweep_r.csv was made with R 4.2.2 and LCMCR 0.4.14 built from
# its CRAN source: seeds 1:10 on every data set but the two 34-list Colombia files, seeds 1:24 on
# colombia_verdata_reclutamiento_R1, and (a later run, same build) seeds 1:10 on
# colombia_verdata_reclutamiento_R2, 26-124 s of wall time a seed on a shared 2-core machine:
#   Rscript tests/estimate/r/lcmcr_sweep.R 1:10 colombia_verdata_reclutamiento_R2
# Run from the repository root:
#   R_LIBS=<library with LCMCR> Rscript tests/estimate/r/lcmcr_sweep.R SEEDS NAME [NAME ...] > out.csv
# e.g. Rscript tests/estimate/r/lcmcr_sweep.R 1:8 kosovo_1999_lcmcr
suppressMessages(library(LCMCR))
args <- commandArgs(trailingOnly = TRUE)
seeds <- eval(parse(text = args[1]))
people <- function(name) {
  X <- read.csv(file.path("tests/data/mse", paste0(name, ".csv")), check.names = FALSE)
  lists <- setdiff(names(X)[sapply(X, function(v) all(v %in% c(0, 1)))], "count")
  X <- aggregate(X$count, by = X[lists], FUN = sum)
  rows <- X[rep(seq_len(nrow(X)), X$x), lists, drop = FALSE]
  as.data.frame(lapply(rows, function(v) factor(v, levels = c(0, 1))))
}
cat("dataset,seed,median,lower,upper,mean,seconds\n")
for (name in args[-1]) {
  captures <- people(name)
  for (seed in seeds) {
    started <- proc.time()[["elapsed"]]
    fit <- lcmCR(captures, K = 10, a_alpha = 0.25, b_alpha = 0.25, seed = seed, verbose = FALSE)
    N <- lcmCR_PostSampl(fit, burnin = 10000, samples = 2000, thinning = 10, output = FALSE)
    q <- quantile(N, c(0.5, 0.025, 0.975), names = FALSE)
    cat(sprintf("%s,%d,%.1f,%.1f,%.1f,%.2f,%.3f\n", name, seed, q[1], q[2], q[3], mean(N),
                proc.time()[["elapsed"]] - started))
  }
}
