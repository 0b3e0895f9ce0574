// Write a gzip twin (<file>.gz) next to each compressible file of the static export; app/web sends it to
// clients that accept gzip (Flask does not compress on the fly).
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, constants } from "node:zlib";

const root = process.argv[2] || "out";
const EXT = /\.(js|mjs|css|html|txt|json|svg|map|xml|webmanifest)$/i;
let files = 0;
let before = 0;
let after = 0;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) walk(path);
    else if (EXT.test(name) && st.size >= 1024) {
      const raw = readFileSync(path);
      const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
      if (gz.length < raw.length * 0.9) {
        writeFileSync(`${path}.gz`, gz);
        files++;
        before += raw.length;
        after += gz.length;
      }
    }
  }
}

walk(root);
console.log(`compress: ${files} files, ${(before / 1024).toFixed(0)} KiB -> ${(after / 1024).toFixed(0)} KiB gzipped`);
