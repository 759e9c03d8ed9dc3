export * from './roomConnection';
export * from './shareConnection';
export * from './socket';
export * from './updateChunks';
