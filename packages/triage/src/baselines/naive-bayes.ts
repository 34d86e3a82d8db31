// A plain multinomial naive Bayes on lower-cased word counts: the classical baseline the
// benchmark compares Earshot's model against (no tweet-aware tokens, no n-grams, no calibration).

export interface NaiveBayes {
  classes: string[];
  logPrior: Float64Array;
  /** word -> log P(word | class) per class */
  logLikelihood: Map<string, Float64Array>;
  /** log P(unseen word | class) */
  logUnseen: Float64Array;
}

const WORD = /[a-z0-9']+/g;

export function plainWords(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

export function trainNaiveBayes(texts: readonly string[], labels: readonly string[], alpha = 1): NaiveBayes {
  const classes = [...new Set(labels)].sort();
  const K = classes.length;
  const index = new Map(classes.map((c, i) => [c, i]));
  const counts = new Map<string, Float64Array>();
  const totals = new Float64Array(K);
  const docs = new Float64Array(K);
  texts.forEach((text, r) => {
    const k = index.get(labels[r] as string) as number;
    docs[k] = (docs[k] as number) + 1;
    for (const w of plainWords(text)) {
      let c = counts.get(w);
      if (!c) {
        c = new Float64Array(K);
        counts.set(w, c);
      }
      c[k] = (c[k] as number) + 1;
      totals[k] = (totals[k] as number) + 1;
    }
  });
  const V = counts.size;
  const logUnseen = Float64Array.from(totals, (t) => Math.log(alpha / (t + alpha * V)));
  const logLikelihood = new Map<string, Float64Array>();
  for (const [w, c] of counts) logLikelihood.set(w, Float64Array.from(c, (n, k) => Math.log((n + alpha) / ((totals[k] as number) + alpha * V))));
  const logPrior = Float64Array.from(docs, (d) => Math.log(d / texts.length));
  return { classes, logPrior, logLikelihood, logUnseen };
}

export function predictNaiveBayes(model: NaiveBayes, text: string): string {
  const score = Float64Array.from(model.logPrior);
  for (const w of plainWords(text)) {
    const ll = model.logLikelihood.get(w) ?? model.logUnseen;
    for (let k = 0; k < score.length; k++) score[k] = (score[k] as number) + (ll[k] as number);
  }
  let best = 0;
  for (let k = 1; k < score.length; k++) if ((score[k] as number) > (score[best] as number)) best = k;
  return model.classes[best] as string;
}
