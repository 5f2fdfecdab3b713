/**
 * Sentences for generated news texts in the statement index tests: pairs that render the same
 * statement differently (quoted and reported, active and passive) and ones that match nothing.
 */
export const QUOTABLE_SENTENCES = [
  'The minister said the border will stay closed until the end of the month.',
  'Officials warned that the talks on the new trade agreement may fail this week.',
  '“We have got to stop the flow of weapons across the border,” Smith said.',
  'Smith said we’ve got to stop the flow of weapons across the border.',
  'The central bank raised interest rates by half a point on Thursday.',
  'Interest rates were raised by half a point by the central bank.',
  'The mayor promised new housing for families in the northern district.',
  'Rescue teams searched the flooded valley for missing hikers overnight.',
] as const;
