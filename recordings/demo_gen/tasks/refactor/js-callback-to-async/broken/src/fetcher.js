const fs = require('node:fs');

/** Reads and parses a JSON config file; calls back with (err, config). */
function readConfig(path, cb) {
  fs.readFile(path, 'utf8', (err, data) => {
    if (err) return cb(err);
    cb(null, JSON.parse(data));
  });
}

module.exports = { readConfig };
