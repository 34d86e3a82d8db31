// Prepares template databases once per test run (see packages/db/test-support).
export default async function setup(): Promise<void> {}
