export * from './canonical';
export * from './errors';
