import type { Generated } from 'kysely';

export interface TenantsTable {
  id: Generated<string>;
  name: string;
  created_at: Generated<Date>;
}

export interface TenantsSchema {
  tenants: TenantsTable;
}
