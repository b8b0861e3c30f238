import type { Generated } from 'kysely';

export type RefKind = 'branch' | 'tag';

/** A branch or tag of the project's repository as GitHub last listed it. */
export interface RefsTable {
  project_id: string;
  /** Short name (`main`, `v1.0.0`), unique per kind. */
  name: string;
  kind: RefKind;
  sha: string;
  /** For an annotated tag, the commit it points at; null for branches and lightweight tags. */
  peeled_sha: string | null;
  protected: Generated<boolean>;
  updated_at: Generated<Date>;
}

export interface RefsSchema {
  refs: RefsTable;
}
