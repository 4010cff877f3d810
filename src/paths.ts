import path from 'node:path';

// The project root, both when running from src/ (tests) and from dist/src/ (npm start).
export const ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
