const fs = require('node:fs/promises');

/** Reads and parses a JSON config file. */
async function readConfig(path) {
  const data = await fs.readFile(path, 'utf8');
  return JSON.parse(data);
}

module.exports = { readConfig };
