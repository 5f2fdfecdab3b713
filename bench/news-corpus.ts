/**
 * The generated news-like corpus of the scale benches (bench/scale.ts, bench/index-memory.ts): about
 * 3 KB a document, 12 outlets, quotes by 10 names, dates 2020-2025, one unique token `zq<n>x` each.
 */
export const OUTLETS = ['Reuters', 'AP', 'BBC', 'Axios', 'Politico', 'Guardian', 'Times', 'Post', 'Wire', 'Herald', 'Tribune', 'Courier'];
export const NAMES = ['Ana Silva', 'Ben Okoro', 'Chen Wei', 'Dana Levi', 'Emil Novak', 'Farah Aziz', 'Goran Petrov', 'Hana Sato', 'Ivan Horvat', 'Julia Berg'];
export const ROLES = ['the minister', 'a spokesperson', 'the mayor', 'an official', 'the union leader', 'the governor'];
export const TOPICS = ['budget', 'harbour', 'election', 'pipeline', 'strike', 'tariff', 'vaccine', 'drought', 'railway', 'merger', 'wildfire', 'ceasefire'];
export const VERBS = ['said', 'told reporters', 'warned', 'added', 'argued', 'insisted'];
export const WORDS = 'the council plan would cost more than expected and officials said talks continue next week while critics question the timing of the vote after months of delay'.split(' ');

/** About 3 KB of news-like text; every document carries one unique token `zq<n>x` to search for. */
export function article(n: number, rand: () => number): { title: string; outlet: string; publishedAt: string; text: string } {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const topic = pick(TOPICS);
  const paragraphs: string[] = [];
  while (paragraphs.join('\n\n').length < 2900) {
    const who = pick(NAMES);
    const words = Array.from({ length: 12 + Math.floor(rand() * 10) }, () => pick(WORDS)).join(' ');
    paragraphs.push(`“The ${topic} ${words},” ${who}, ${pick(ROLES)}, ${pick(VERBS)}. ${words[0].toUpperCase()}${words.slice(1)} in the ${topic} case.`);
  }
  paragraphs.push(`Reference zq${n}x.`);
  const y = 2020 + Math.floor(rand() * 6);
  const m = String(1 + Math.floor(rand() * 12)).padStart(2, '0');
  const d = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
  return { title: `${topic[0].toUpperCase()}${topic.slice(1)} talks: ${pick(NAMES)} speaks (${n})`, outlet: pick(OUTLETS), publishedAt: `${y}-${m}-${d}`, text: paragraphs.join('\n\n') };
}

