/**
 * @module Test fixture: the sample photos of Debian's darknet package (/usr/share/darknet/data; .ci/run
 * installs it), each with an object a COCO detector must find. Missing files fail the test that reads them.
 */
import { existsSync, readFileSync } from "node:fs";

const DIR = "/usr/share/darknet/data";

/** The bytes of darknet's `name`.jpg; throws with the package to install when absent. */
export function darknetImage(name: "dog" | "person" | "horses" | "eagle" | "giraffe"): Buffer {
  const file = `${DIR}/${name}.jpg`;
  if (!existsSync(file))
    throw new Error(`${file} is missing: install Debian's darknet package (apt-get install darknet)`);
  return readFileSync(file);
}
