import type { Label } from '../types.js';
import type { Speaker, SpeakerData } from './types.js';
import { nameKey } from './names.js';

const find = (data: SpeakerData, id: string) => data.speakers.find((s) => s.id === id);

/** Why `from` cannot be merged into `into`, or `null` when it can. `missing` marks an unknown id (404). */
export function mergeProblem(data: SpeakerData, from: string, into: string): { message: string; missing?: true } | null {
  const a = find(data, from);
  const b = find(data, into);
  if (!a) return { message: `no speaker with id "${from.slice(0, 100)}"`, missing: true };
  if (!b) return { message: `into: no speaker with id "${into.slice(0, 100)}"`, missing: true };
  if (from === into) return { message: 'a speaker cannot be merged into itself' };
  if (a.mergedInto) return { message: `"${a.name}" is already merged into another speaker; undo that merge first` };
  if (b.mergedInto) return { message: `into: "${b.name}" has been merged into another speaker; merge into that one instead` };
  return null;
}

/** Marks `from` as merged into `into`, which gains its aliases (and role, if it had none). Returns the aliases added. */
export function applyMerge(data: SpeakerData, from: string, into: string): string[] {
  const a = find(data, from)!;
  const b = find(data, into)!;
  const added = a.aliases.filter((x) => !b.aliases.some((y) => nameKey(y) === nameKey(x)));
  b.aliases.push(...added);
  if (!b.role && a.role) b.role = a.role;
  a.mergedInto = into;
  return added;
}

/** Why merge `mergeId` cannot be undone, or `null`. */
export function undoProblem(data: SpeakerData, mergeId: string): { message: string; missing?: true } | null {
  const m = data.merges.find((x) => x.id === mergeId);
  if (!m) return { message: `no merge with id "${mergeId.slice(0, 100)}"`, missing: true };
  if (m.undoneAt) return { message: 'this merge has already been undone' };
  const into = find(data, m.into);
  if (find(data, m.from)?.mergedInto !== m.into || into?.mergedInto) return { message: 'the speakers have been merged or split again since; undo the later merge first' };
  return null;
}

/** Undoes a merge: `from` is active again and `into` loses the aliases it gained. */
export function applyUndo(data: SpeakerData, mergeId: string): void {
  const m = data.merges.find((x) => x.id === mergeId)!;
  const from = find(data, m.from)!;
  const into = find(data, m.into)!;
  delete from.mergedInto;
  into.aliases = into.aliases.filter((a) => !m.aliasesAdded.includes(a));
}

/** Why `alias` cannot be split off speaker `id`, or `null`. */
export function splitProblem(data: SpeakerData, id: string, alias: string): { message: string; missing?: true } | null {
  const s = find(data, id);
  if (!s) return { message: `no speaker with id "${id.slice(0, 100)}"`, missing: true };
  if (s.mergedInto) return { message: `"${s.name}" has been merged into another speaker; split the alias off that one` };
  if (!s.aliases.some((a) => a === alias)) return { message: `alias: "${alias.slice(0, 200)}" is not an alias of "${s.name}"; its aliases are ${s.aliases.map((a) => `"${a}"`).join(', ')}` };
  if (nameKey(alias) === nameKey(s.name)) return { message: 'alias: the canonical name cannot be split off; split the other aliases instead' };
  return null;
}

/** Whether a label credited to a speaker was written with `alias` (its `speakerAs`, else its name). */
export function labelUsesAlias(label: Label, alias: string): boolean {
  return nameKey(label.speakerAs ?? label.speaker ?? '') === nameKey(alias);
}

/** The label credited to `speaker`, remembering the name it was written with. */
export function creditLabel(label: Label, speaker: Speaker): Label {
  const written = label.speakerAs ?? label.speaker;
  const out: Label = { ...label, speaker: speaker.name, speakerId: speaker.id };
  if (written && written !== speaker.name) out.speakerAs = written;
  else delete out.speakerAs;
  return out;
}
