export * from './canonical';
export * from './errors';
export * from './routing';
export * from './assignment';
