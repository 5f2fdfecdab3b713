import type { Question } from './types.js';

const ZHANG = 'Zhang et al., "A Structured Response to Misinformation: Defining and Annotating Credibility Indicators in News Articles", WWW 2018 Companion (content indicators)';

/**
 * "Credibility indicators": the content indicators of the Credibility Coalition (Zhang et al. 2018)
 * as document questions, plus the article's genre.
 */
export const CREDIBILITY_TEMPLATE: Question[] = [
  { id: 'genre', text: 'Genre of the article', kind: 'single', choices: ['news', 'analysis', 'opinion'] },
  { id: 'title-representativeness', text: 'How well does the title represent the content of the article?', kind: 'scale', scaleLabels: ['not at all', 'completely'], source: ZHANG },
  { id: 'clickbait-title', text: 'Is the title clickbait?', kind: 'single', choices: ['not clickbait', 'somewhat clickbait', 'very clickbait'], source: ZHANG },
  { id: 'quotes-from-outside-experts', text: 'Does the article quote outside experts?', kind: 'single', choices: ['no', 'yes, one', 'yes, several'], source: ZHANG },
  { id: 'citation-of-organizations-and-studies', text: 'Which sources does the article cite?', kind: 'multiple', choices: ['organisations', 'scientific studies', 'government data', 'none'], source: ZHANG },
  { id: 'calibration-of-confidence', text: 'Does the article calibrate its confidence (hedges where evidence is weak, states uncertainty)?', kind: 'scale', scaleLabels: ['overstates throughout', 'well calibrated'], source: ZHANG },
  { id: 'logical-fallacies', text: 'Logical fallacies in the article', kind: 'multiple', choices: ['straw man', 'false dilemma', 'slippery slope', 'appeal to fear', 'naturalistic fallacy', 'none'], source: ZHANG },
  { id: 'tone', text: 'Tone of the article', kind: 'multiple', choices: ['neutral', 'exaggerated claims', 'emotionally charged', 'sarcastic'], source: ZHANG },
  { id: 'inference', text: 'Does the article infer causation from correlation, or generalise from few cases?', kind: 'single', choices: ['no', 'correlation as causation', 'unwarranted generalisation', 'both'], source: ZHANG },
];
