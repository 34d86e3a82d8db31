// Where the shipped default model lives (the package never reads files itself).
export const DEFAULT_MODEL_URL: URL = new URL('../models/default.json', import.meta.url);
