/**
 * Who may do what. Roles are not a ladder: each has exactly its list (issue "Trust"), and the
 * role-matrix test checks every route against this table.
 */
import type { Role } from '../domain/types.js';

export const PERMISSIONS = [
  'read', // maps, cameras, readings, incidents, alerts, rules
  'alerts.act', // acknowledge, assign, comment, silence
  'incidents.write', // post incidents
  'readings.write', // post thermal readings (sensor gateways, the simulator)
  'rules.write', // create, change, delete rules; backtests
  'siting.run', // siting and what-if coverage
  'cameras.write', // camera inventory and imports
  'tokens.manage',
  'audit.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: ['read'],
  operator: ['read', 'alerts.act', 'incidents.write', 'readings.write'],
  analyst: ['read', 'rules.write', 'siting.run'],
  admin: PERMISSIONS,
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
