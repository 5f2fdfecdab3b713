/**
 * Grammatical gender of a person mention, for "he"/"she": from a small given-name lexicon, from
 * titles and role nouns ("Mrs", "spokeswoman", "chairman"), or from an earlier "he"/"she" that
 * meant the same person (pronouns.ts). `undefined` means unknown: compatible with both.
 *
 * The lexicon: about 100 given names per sex, the most frequent ones of US births over the last
 * century after the Social Security Administration's "Top names over the last 100 years" (written
 * out from that list, not downloaded), plus the given names of the dev texts and seeds in
 * tests/fixtures/attribution (never the held-out ones).
 * Names given to both sexes (Jordan, Kim, Jean, Dana…) are left out or listed once, as the more
 * frequent sex; a text that says "he"/"she" about them teaches the tracker otherwise.
 */
export type Gender = 'female' | 'male';

const FEMALE = `mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty margaret sandra ashley
kimberly emily donna michelle carol amanda dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen amy angela
shirley anna brenda pamela emma nicole helen samantha katherine christine debra rachel carolyn janet catherine maria heather
diane ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn judith megan andrea cheryl hannah jacqueline
martha gloria teresa ann sara madison frances kathryn janice abigail alice judy sophia grace denise amber doris marilyn
danielle beverly isabella theresa diana natalie brittany charlotte marie kayla alexis lori
adele ana claire fiona hanna helena ines jen kate priya sofia tanya`;
const MALE = `james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony mark donald
steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric
jonathan stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler
aaron jose adam nathan henry douglas zachary peter kyle ethan walter noah jeremy christian keith roger terry gerald harold
sean austin carl arthur lawrence dylan jesse bryan billy joe bruce gabriel logan albert willie alan juan wayne elijah randy
roy vincent ralph eugene russell bobby mason philip louis
antony boris dmitry emmanuel gareth jamal jens karim martin mykhailo ned olaf owen pieter radek rupert tomas viktor vladimir
volodymyr`;

const GIVEN = new Map<string, Gender>([
  ...FEMALE.split(/\s+/).map((n) => [n, 'female'] as const),
  ...MALE.split(/\s+/).map((n) => [n, 'male'] as const),
]);

const FEMALE_WORDS = /^(?:mrs\.?|ms\.?|miss|madam|dame|lady|queen|spokeswoman|chairwoman|congresswoman|councilwoman|businesswoman|woman|mother|wife|daughter|sister|grandmother|actress|widow)$/;
const MALE_WORDS = /^(?:mr\.?|sir|lord|king|spokesman|chairman|congressman|councilman|businessman|man|father|husband|son|brother|grandfather|widower)$/;

/** The gender a given name is mostly given to, or `undefined`. */
export function givenNameGender(name: string): Gender | undefined {
  return GIVEN.get(name.toLowerCase());
}

/**
 * The gender a mention shows: a title or role noun among `words` ("Mrs", "a police spokeswoman"),
 * else the given name of a full `name` ("Linda Arroyo"); `undefined` when neither says.
 */
export function genderOf(name: string | undefined, words: string[]): Gender | undefined {
  for (const w of words) {
    const lower = w.toLowerCase();
    if (FEMALE_WORDS.test(lower)) return 'female';
    if (MALE_WORDS.test(lower)) return 'male';
  }
  const parts = name?.split(/\s+/) ?? [];
  return parts.length >= 2 ? givenNameGender(parts[0]) : undefined;
}
