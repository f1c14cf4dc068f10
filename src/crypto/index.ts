// The portal's one crypto module, shared by browser, CLI and server (no node: or DOM imports).

export * from './chunks';
export * from './dates';
export * from './encoding';
export * from './keys';
export * from './messages';
export * from './padding';
export * from './pow';
export * from './randomness';
export * from './receipt';
export * from './rewrap';
