import type { GroupRecord } from '../pools/records/group-record.js';
import type { UserRecord } from '../pools/records/user-record.js';
import { element, EMPTY_QUOTAS, idList } from './xml.js';

function loginTokens(user: UserRecord): string {
  return user.loginTokens
    .map(
      (token) =>
        '<LOGIN_TOKEN>' +
        element('TOKEN', token.tokenHash) +
        element('EXPIRATION_TIME', token.expirationTime) +
        element('EGID', token.egid) +
        '</LOGIN_TOKEN>',
    )
    .join('');
}

function userBody(user: UserRecord): string {
  return (
    element('ID', user.id) +
    element('GID', user.gid) +
    idList('GROUPS', [...user.groups].sort((a, b) => a - b)) +
    element('GNAME', user.gname) +
    element('NAME', user.name) +
    element('PASSWORD', user.password) +
    element('AUTH_DRIVER', user.authDriver) +
    element('ENABLED', user.enabled) +
    loginTokens(user) +
    user.template.toXml('TEMPLATE')
  );
}

/** `<USER>` as `one.user.info` returns it, with the quota sections OpenNebula's clients expect. */
export function userDocument(user: UserRecord): string {
  return `<USER>${userBody(user)}${EMPTY_QUOTAS}<DEFAULT_USER_QUOTAS>${EMPTY_QUOTAS}</DEFAULT_USER_QUOTAS></USER>`;
}

/** `<USER_POOL>`: each USER followed by its QUOTAS, then the default quotas once. */
export function userPoolDocument(users: readonly UserRecord[]): string {
  const entries = users
    .map((user) => `<USER>${userBody(user)}</USER><QUOTAS>${element('ID', user.id)}${EMPTY_QUOTAS}</QUOTAS>`)
    .join('');
  return `<USER_POOL>${entries}<DEFAULT_USER_QUOTAS>${EMPTY_QUOTAS}</DEFAULT_USER_QUOTAS></USER_POOL>`;
}

function groupBody(group: GroupRecord): string {
  return (
    element('ID', group.id) +
    element('NAME', group.name) +
    group.template.toXml('TEMPLATE') +
    idList('USERS', group.users) +
    idList('ADMINS', group.admins)
  );
}

export function groupDocument(group: GroupRecord): string {
  return `<GROUP>${groupBody(group)}${EMPTY_QUOTAS}<DEFAULT_GROUP_QUOTAS>${EMPTY_QUOTAS}</DEFAULT_GROUP_QUOTAS></GROUP>`;
}

export function groupPoolDocument(groups: readonly GroupRecord[]): string {
  const entries = groups
    .map((group) => `<GROUP>${groupBody(group)}</GROUP><QUOTAS>${element('ID', group.id)}${EMPTY_QUOTAS}</QUOTAS>`)
    .join('');
  return `<GROUP_POOL>${entries}<DEFAULT_GROUP_QUOTAS>${EMPTY_QUOTAS}</DEFAULT_GROUP_QUOTAS></GROUP_POOL>`;
}
