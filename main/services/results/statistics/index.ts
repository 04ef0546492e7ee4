// Exact, dependency-light statistics for reader-study results: pure functions, no DB or Node APIs.
// Each function's doc comment cites the published definition it follows.
export { meanCI, proportionCI, type MeanCI, type ProportionCI } from './confidence';
export { fleissKappa, countsFromRatings, type FleissKappa, type RatingCounts, type Category } from './fleiss-kappa';
export { weightedKappa, meanPairwiseWeightedKappa, type KappaWeights, type WeightedKappa, type PairwiseKappa } from './weighted-kappa';
export { icc2, completeRows, type Icc2, type IccEstimate } from './icc';
export { meanFom, empiricalAucFom, type Reading, type FomEstimate, type FigureOfMerit } from './figures-of-merit';
export { orAnalysis, type OrAnalysis, type OrRow, type OrDifference, type OrSingle, type OrCovariances } from './or-analysis';
