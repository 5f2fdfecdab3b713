import type { Corpus } from '../store/corpus.js';
import type { DocumentRepository } from '../store/repository.js';
import { everyDocument } from './corpus-pass.js';
import type { ProjectStore } from '../store/project-store.js';
import type { LabelTypeDef } from '../domain/types.js';
import { isBuiltInType, labelTypePatchProblem, mergeTypeOnDocument, nameSkeleton, patchedType, type LabelTypePatch } from '../domain/label-types.js';
import { badRequest, conflict, notFound } from '../http-error.js';

function findType(project: ProjectStore, id: string): LabelTypeDef {
  const def = project.labelTypes().find((t) => t.id === id);
  if (!def) throw notFound(`no label type "${id}"`);
  return def;
}

/** Renames a type, changes its colour or key; built-in types too. */
export async function changeLabelType(project: ProjectStore, id: string, patch: LabelTypePatch, reservedKeys: string[]): Promise<LabelTypeDef> {
  const def = findType(project, id);
  const problem = labelTypePatchProblem(project.labelTypes(), id, patch, reservedKeys);
  if (problem) throw badRequest(problem, 'invalid_label_type');
  const updated = await project.updateType(patchedType(def, patch));
  if (!updated) throw notFound(`no label type "${id}"`);
  return updated;
}

/**
 * How many current labels use the type, and on how many documents: one pass over the documents
 * that have labels (the catalogue says which), one at a time.
 */
export async function typeUsage(store: DocumentRepository, id: string): Promise<{ labels: number; documents: number }> {
  let labels = 0;
  let documents = 0;
  for await (const doc of everyDocument(store, (s) => s.labelCount > 0)) {
    const n = doc.labels.filter((l) => l.type === id).length;
    labels += n;
    if (n) documents++;
  }
  return { labels, documents };
}

/**
 * Merges type `from` into `into`: every label of `from` on every document becomes `into` (each
 * document's history records it), then `from` is removed. Built-in types cannot be merged away.
 */
export async function mergeLabelType(store: Corpus, project: ProjectStore, from: string, into: string, actor: string): Promise<{ from: string; into: string; labels: number; documents: number }> {
  findType(project, from);
  if (from === into || nameSkeleton(from) === nameSkeleton(into)) throw badRequest(`cannot merge the label type "${from}" into itself`, 'invalid_merge');
  if (!project.hasType(into)) throw badRequest(`cannot merge into "${into}": there is no such label type`, 'invalid_merge');
  if (isBuiltInType(from)) throw badRequest(`"${from}" is a built-in type: it cannot be merged away (its labels can be re-typed one by one)`, 'built_in_type');
  const at = new Date().toISOString();
  let labels = 0;
  let documents = 0;
  for await (const doc of everyDocument(store)) {
    if (!(doc.labels.some((l) => l.type === from) || doc.revisions.some((r) => r.labels?.some((l) => l.type === from)))) continue;
    const changed = await store.update(doc.id, (draft) => mergeTypeOnDocument(draft, from, into, actor, at));
    if (changed && changed.result > 0) {
      labels += changed.result;
      documents++;
    }
  }
  await project.removeType(from);
  return { from, into, labels, documents };
}

/** Deletes an added type that no label uses. */
export async function deleteLabelType(store: Corpus, project: ProjectStore, id: string): Promise<void> {
  findType(project, id);
  if (isBuiltInType(id)) throw badRequest(`"${id}" is a built-in type and cannot be deleted`, 'built_in_type');
  const usage = await typeUsage(store, id);
  if (usage.labels > 0) {
    throw conflict(`the label type "${id}" is used by ${usage.labels} label${usage.labels === 1 ? '' : 's'} on ${usage.documents} document${usage.documents === 1 ? '' : 's'}; merge it into another type instead`, usage);
  }
  await project.removeType(id);
}
