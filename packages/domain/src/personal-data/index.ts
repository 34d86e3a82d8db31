export * from './checksums';
export * from './detect';
