export type {
  ClassScores,
  Confusion,
  EvalReport,
  Intent,
  Label,
  LabelledRow,
  Sentiment,
  TriageInput,
  TriageModel,
  TriageResult,
} from './types';
export { SENTIMENTS } from './types';
export { DEFAULT_MODEL_URL } from './default-model';
export { TriageModelError } from './errors';
export { parseModel, serializeModel, type ModelJson } from './model/serialize';
export { trainModel, type TrainOptions } from './model/train';
export { triage } from './infer/triage';
export { evaluate, measureThroughput, type EvaluateOptions } from './eval/evaluate';
export { shouldPromote } from './eval/promote';
export { heldBackSplit, reportMetrics, retrainWithCorrections, rowFromLabels, type RetrainOptions, type RetrainResult } from './model/retrain';
export { binaryF1, classificationReport, type ClassificationReport } from './eval/metrics';
export { needsResponseLabel } from './labels';
export { tokenize, type Token } from './text/tokenize';
export { detectLanguage } from './infer/language';
export { predictNaiveBayes, trainNaiveBayes, type NaiveBayes } from './baselines/naive-bayes';
export { reasonOf } from './labels';
