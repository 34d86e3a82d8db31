export * from './agent.schema';
export * from './capacity';
export * from './pick-agent';
export * from './reassign';
