export { createSyncClient, type SyncClientOptions } from './client.js';
export { toUIMessage } from './messages.js';
export { memoryStorage, type SyncStorage, type StoredConversation, type StoredHead, type Change, type ChangeOf } from './storage.js';
export type { StoredMessage } from './messages.js';
export { indexedDbStorage } from './idb.js';
export type { SyncEnvironment, TabChannel, TabMessage } from './environment.js';
export type { GetToken } from './http.js';
export type { Limits } from './outbox.js';
export type * from './types.js';
