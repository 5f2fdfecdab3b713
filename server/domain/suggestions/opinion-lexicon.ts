/**
 * The opinion lexicon: the author's own loaded language, by the propaganda-technique families of
 * the SemEval-2020 task 11 scheme (loaded language, name-calling, exaggeration, appeal to fear).
 * Weights: 1 for words that carry a judgement on their own, 0.5 for markers that only do so in
 * company. Phrases are matched on lower-cased words outside quotations and reported contents.
 */
export type Family = 'loaded language' | 'name-calling' | 'exaggeration' | 'appeal to fear' | 'doubt';

export const OPINION_LEXICON: Record<Family, Record<string, number>> = {
  'loaded language': {
    shameless: 1, shameful: 1, disgraceful: 1, sordid: 1, grotesque: 1, arrogance: 1, racket: 1, scandal: 0.5, gimmicks: 1,
    complacency: 1, fawning: 1, sophistry: 1, misleading: 1, phony: 1, brazen: 1, reckless: 1, disastrous: 1, absurd: 1,
    notorious: 1, cynical: 1, corrupt: 1, rot: 1, gall: 1, lie: 1, lies: 1, lied: 1, liar: 1, propaganda: 1, handout: 1, fantasy: 1,
    farce: 1, sham: 1, outrageous: 1, appalling: 1, pathetic: 1, hypocrisy: 1, hypocritical: 1, spineless: 1, incompetent: 1,
    ostensible: 1, ostensibly: 1, purported: 0.5, 'so-called': 1, 'self-styled': 1, 'puff pieces': 1, deafening: 1, neglect: 0.5,
    'tired slogan': 1, 'wriggle out': 1, magnanimity: 1, 'insider scoops': 1, deference: 0.5, overtones: 0.5, 'too little': 0.5,
    'far too late': 1, obedient: 1, fanfare: 0.5, 'make no mistake': 1, disgrace: 1, despicable: 1, 'unelected': 1, pocket: 0.5,
    'in the shadows': 1, 'behind closed doors': 0.5, gimmick: 1, 'looked the other way': 1, 'dressed up': 1,
  },
  'name-calling': {
    stooge: 1, stooges: 1, shills: 1, shill: 1, puppet: 1, puppets: 1, lapdogs: 1, lapdog: 1, stenographer: 1, warmongers: 1,
    globalist: 1, 'ruling class': 1, elites: 1, elite: 0.5, bureaucrat: 0.5, mogul: 1, cronies: 1, traitors: 1, thugs: 1, establishment: 0.5,
    'lie machine': 1, 'corporate media': 1, 'mainstream media': 0.5,
  },
  exaggeration: {
    'once again': 0.5, 'not once': 0.5, 'nothing more than': 0.5, breathtaking: 1, astonishing: 1, 'sky-high': 1, 'whole generation': 0.5,
    catastrophe: 0.5, unprecedented: 0.5, utterly: 0.5, sheer: 1, 'far too': 0.5, 'five minutes': 0.5, everything: 0.5, incredibly: 0.5,
    'the usual': 0.5, 'every single': 0.5,
  },
  'appeal to fear': {
    terrified: 1, collapse: 0.5, devastating: 0.5, overrun: 1, 'hollowed out': 1, 'too late': 0.5, chaos: 0.5, shiver: 1, 'wake up': 1,
    'bill is coming due': 1, doom: 1, 'before it is too late': 1, 'for a generation': 0.5,
  },
  doubt: { allegedly: 0.5, 'so-called': 0.5, supposedly: 0.5 },
};
