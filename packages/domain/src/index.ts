export * from './canonical';
export * from './errors';
export * from './permissions';
export * from './api/views';
export * from './api/kb';
export * from './routing';
export * from './assignment';
export * from './sla';
