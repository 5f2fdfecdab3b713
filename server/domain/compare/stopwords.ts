/**
 * Function words and attribution verbs. They still align (a rendering keeps its "the"), but they
 * weigh little, never make a shingle and do not count towards the minimum of shared content words,
 * so "the United States" or "he said" alone can never make two passages one statement.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a an the and or but nor so yet if then than that this these those there here of in on at to for from by with
  without about into onto over under up down out off as is are was were be been being am do does did done have has had
  having will would shall should can could may might must not no it its he him his she her they them their we us our
  you your i me my mine who whom whose which what when where why how all any each every some such own same other
  also just only very too more most much many one both either neither again further once s t
  said says say saying told tells added adds according`.split(/\s+/).filter(Boolean),
);

/** Words that turn a statement into its opposite; two renderings must carry the same number of them. */
export const NEGATIONS: ReadonlySet<string> = new Set(['not', 'no', 'never', 'nothing', 'none', 'nobody', 'neither', 'nor', 'without']);

export function isContentWord(norm: string): boolean {
  return !STOPWORDS.has(norm);
}
