# Makes pps_reference.csv: the inclusion probabilities R's sampling package
# gives for each case of pps_cases.csv, one row per class.
#   Rscript tests/data/pps_reference.R tests/data/pps_cases.csv > tests/data/pps_reference.csv
library(sampling)
args <- commandArgs(trailingOnly = TRUE)
cases <- read.csv(args[1], stringsAsFactors = FALSE)
cat("case,class,pi\n")
for (i in seq_len(nrow(cases))) {
  w <- as.numeric(strsplit(cases$weights[i], ";")[[1]])
  n <- as.integer(strsplit(cases$counts[i], ";")[[1]])
  pik <- inclusionprobabilities(rep(w, n), cases$size[i])
  first <- cumsum(c(1, n))[1:4]
  for (k in 1:4)
    cat(sprintf("%s,%s,%.17g\n", cases$case[i], LETTERS[k], pik[first[k]]))
}
