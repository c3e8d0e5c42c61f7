/** The API's types, in three homes: what a stream yields, what a request sends, what model management answers. */
export type * from './chunks.js';
export type * from './requests.js';
export type * from './models.js';
